// SPDX-License-Identifier: MIT
// The lab's Java Kafka client, on the kafka-clients jar the broker runs
// with (compiled at test time: javac -cp "$KAFKA_JARS/*"):
//
//   LabClient create BOOTSTRAP TOPIC PARTITIONS
//       creates TOPIC (replication factor 1): what a broker with
//       auto.create.topics.enable=false needs done first
//   LabClient produce BOOTSTRAP TOPIC KEYFILE
//       one record per line of KEYFILE (the line is the key, the value
//       "java") with the Java client's default partitioner; prints
//       "KEY PARTITION" for each
//   LabClient scram BOOTSTRAP USER PASSWORD
//       gives USER a SCRAM-SHA-512 credential (the TLS lab's SASL user)
//   LabClient scramcheck SASL_SSL_BOOTSTRAP USER PASSWORD CAFILE
//       logs in with it and asks for the cluster id: exit 0 when it works
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

public class LabClient {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", args[1]);
        if (args[0].equals("create")) {
            try (Admin admin = Admin.create(p)) {
                admin.createTopics(List.of(new NewTopic(args[2], Integer.parseInt(args[3]), (short) 1)))
                     .all().get();
            }
            return;
        }
        if (args[0].equals("scramcheck")) {
            p.put("security.protocol", "SASL_SSL");
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.location", args[4]);
            p.put("sasl.mechanism", "SCRAM-SHA-512");
            p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                  + " username=\"" + args[2] + "\" password=\"" + args[3] + "\";");
            p.put("default.api.timeout.ms", "5000");
            p.put("request.timeout.ms", "5000");
            try (Admin admin = Admin.create(p)) {
                admin.describeCluster().clusterId().get();
            }
            return;
        }
        if (args[0].equals("scram")) {
            try (Admin admin = Admin.create(p)) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                        args[2], new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), args[3])))
                     .all().get();
            }
            return;
        }
        p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("acks", "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (String key : Files.readAllLines(Paths.get(args[3]))) {
                RecordMetadata m = producer.send(new ProducerRecord<>(args[2], key, "java")).get();
                System.out.println(key + " " + m.partition());
            }
        }
    }
}
