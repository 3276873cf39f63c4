import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Exercises the dead-letter path for check-dashboard.sh: sends one record that is not JSON to each
 * given topic, so the services reading it park a DeadLetter on fmkt.dlq and count
 * fmkt_dead_letters_total{reason="MALFORMED_JSON",topic=...}. Run as a source file:
 * {@code java -cp "$(cat fmkt-cli/target/classpath.txt)" SendMalformed.java BOOTSTRAP KEY TOPIC...}.
 */
public final class SendMalformed {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SendMalformed BOOTSTRAP KEY TOPIC...");
            System.exit(2);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        byte[] value = "{\"type\": not json".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 2; i < args.length; i++) {
                var meta = producer.send(new ProducerRecord<>(args[i], args[1], value)).get();
                System.out.printf("malformed record -> %s-%d@%d%n", meta.topic(), meta.partition(), meta.offset());
            }
        }
    }
}
