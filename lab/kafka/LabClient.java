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
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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
