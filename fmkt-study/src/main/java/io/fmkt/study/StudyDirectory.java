package io.fmkt.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.report.RunOutputs;
import io.fmkt.core.results.RunResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A study's runs on disk, {@code <out>/runs/<key>/}: one run directory each (rounds.csv,
 * pairs.csv, timings.csv, config.json, accuracy.png) plus {@code study-run.json}. A run is written to a
 * temporary directory and renamed when complete, so a directory that exists is a finished run
 * and an interrupted study resumes where it stopped.
 */
public final class StudyDirectory {
    public static final String RUN_RECORD = "study-run.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path root;

    /** What the study records about a run beside its outputs. */
    public record RunRecord(String key, String runId, String mode, double wallSeconds) {
    }

    public StudyDirectory(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(runs());
    }

    /** Removes runs an interrupted study left half-written; only the study that will redo them may call it. */
    public void removePartials() throws IOException {
        try (Stream<Path> s = Files.list(runs())) {
            for (Path stale : s.filter(p -> p.getFileName().toString().endsWith(".partial")).toList()) {
                deleteTree(stale);
            }
        }
    }

    public Path root() {
        return root;
    }

    public Path runs() {
        return root.resolve("runs");
    }

    public Path dir(StudyRun run) {
        return runs().resolve(run.key());
    }

    /**
     * True when the run finished earlier with exactly this config (the data path aside, so results
     * move between machines).
     *
     * @throws IllegalStateException when the directory holds a run of another config
     */
    public boolean isDone(StudyRun run) throws IOException {
        Path dir = dir(run);
        if (!Files.exists(dir.resolve(RUN_RECORD))) {
            return false;
        }
        // Through the record both ways, so number types (int vs long nodes) cannot differ.
        String stored = JSON.writeValueAsString(readConfig(dir).withData(""));
        String planned = JSON.writeValueAsString(run.config().withData(""));
        if (!stored.equals(planned)) {
            throw new IllegalStateException(dir + " holds a run of another config than this study plans (was the"
                    + " preset changed?); use another --out or delete that directory");
        }
        return true;
    }

    /** Writes a finished run atomically. */
    public void commit(StudyRun run, RunRecord record, RunResult result, String title) throws IOException {
        Path target = dir(run);
        Path partial = runs().resolve(run.key() + ".partial");
        deleteTree(partial);
        RunOutputs.write(partial, result, title);
        JSON.writeValue(partial.resolve(RUN_RECORD).toFile(), record);
        deleteTree(target);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }

    public RunRecord record(StudyRun run) throws IOException {
        return JSON.readValue(dir(run).resolve(RUN_RECORD).toFile(), RunRecord.class);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    static ExperimentConfig readConfig(Path dir) throws IOException {
        return RunOutputs.readConfig(dir.resolve("config.json"));
    }
}
