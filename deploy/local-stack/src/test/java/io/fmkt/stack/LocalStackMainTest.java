package io.fmkt.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher contract: ready line, stack.json with the pid, clean exit on SIGTERM. */
class LocalStackMainTest {
    @TempDir
    Path dir;

    @Test
    void runsAsAProcessAndStopsCleanlyOnSigterm() throws Exception {
        Path data = dir.resolve("stack");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LocalStackMain.class.getName(), "--data-dir", data.toString(),
                "--kafka-port", "0", "--s3-port", "0", "--bucket", "one"))
                .redirectErrorStream(true).start();
        try {
            String ready = null;
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(LocalStackMain.READY)) {
                    ready = line;
                    break;
                }
            }
            assertThat(ready).matches(LocalStackMain.READY
                    + " kafka=127\\.0\\.0\\.1:\\d+ s3=http://127\\.0\\.0\\.1:\\d+ data=.*stack");
            String json = Files.readString(data.resolve(LocalStackMain.STACK_JSON));
            assertThat(json).contains("\"pid\": " + p.pid()).contains("\"buckets\": [\"one\"]")
                    .contains("\"kafkaBootstrap\": \"" + ready.split(" ")[2].substring("kafka=".length()) + "\"");
            assertThat(data.resolve("s3/one")).isDirectory();

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            assertThat(data.resolve(LocalStackMain.STACK_JSON)).doesNotExist();
            assertThat(data.resolve("kafka/cluster.id")).exists();
        } finally {
            p.destroyForcibly();
        }
    }
}
