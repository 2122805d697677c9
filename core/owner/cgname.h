/* SPDX-License-Identifier: MIT */
/*
 * cgname.h - what a cgroup v2 path says about its process: the systemd
 * unit and the container it runs in.  Patterns, exactly (ID: 64 hex
 * digits; each is matched on one path component):
 *
 *   container  docker-ID.scope      Docker, systemd cgroup driver
 *              /docker/ID           Docker, cgroupfs driver
 *              cri-containerd-ID.scope   containerd (Kubernetes CRI)
 *              crio-ID.scope        CRI-O
 *              libpod-ID.scope      Podman (libpod-conmon-ID is conmon:
 *                                   not the container)
 *              /libpod_parent/libpod-ID   Podman, cgroupfs driver
 *              /kubepods/.../podUID/ID    Kubernetes, cgroupfs driver
 *   unit       the last component ending in .service or .scope (a
 *              container's scope is its unit too)
 *
 * The last matching component wins: the innermost.
 */
#ifndef SYNSINK_CGNAME_H
#define SYNSINK_CGNAME_H

#include <stddef.h>

#define CGNAME_ID_LEN 64

/* The unit named by path into unit (unitlen bytes) and the container's ID
 * into id (CGNAME_ID_LEN + 1 bytes); "" for either when the path names
 * none (or the unit does not fit). */
void cgname_parse(const char *path, char *unit, size_t unitlen, char *id);

#endif
