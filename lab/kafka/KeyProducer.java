// SPDX-License-Identifier: MIT
// KeyProducer BOOTSTRAP TOPIC KEYFILE: produces one record per line of
// KEYFILE (the line is the key, the value "java") with the Java client's
// default partitioner, and prints "KEY PARTITION" for each.  The lab's
// proof that synsink's Kafka sink partitions keys as Java producers do.
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

public class KeyProducer {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", args[0]);
        p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("acks", "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (String key : Files.readAllLines(Paths.get(args[2]))) {
                RecordMetadata m = producer.send(new ProducerRecord<>(args[1], key, "java")).get();
                System.out.println(key + " " + m.partition());
            }
        }
    }
}
