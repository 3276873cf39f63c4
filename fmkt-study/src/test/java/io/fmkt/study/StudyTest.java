package io.fmkt.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fmkt.core.admission.RunLimits;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.FusionMethod;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole study pipeline on a tiny synthetic preset: grid, outputs, resume, determinism. */
class StudyTest {
    @TempDir
    static Path dir;
    static StudyPreset preset;
    static final List<String> executed = new ArrayList<>();
    static String firstCsv;
    static List<String> firstExecuted;

    static StudyPreset tinyPreset(int width) {
        ExperimentConfig base = ExperimentConfig.builder().rounds(1).testCap(200).width(width).seed(3).batchSize(32)
                .learningRate(0.05).fusionLearningRate(0.05).layers("3").probeImages(8).syntheticTrainPerBatch(40)
                .syntheticTest(200).build();
        Map<Integer, Integer> rounds = new LinkedHashMap<>();
        rounds.put(8, 2);
        rounds.put(4, 1);
        return new StudyPreset("tiny", base, rounds, 2, "test");
    }

    /** The simulator, recording which runs it was asked to do. */
    static StudyExecutor counting(PrintStream o) {
        InProcessExecutor inner = new InProcessExecutor(o);
        return new StudyExecutor() {
            @Override
            public String mode() {
                return inner.mode();
            }

            @Override
            public void runAll(List<StudyRun> pending, Finished finished) throws Exception {
                pending.forEach(r -> executed.add(r.key()));
                inner.runAll(pending, finished);
            }
        };
    }

    @BeforeAll
    static void runTheGrid() throws Exception {
        preset = tinyPreset(2);
        Study.run(preset, 2, dir, counting(new PrintStream(new ByteArrayOutputStream())), System.out);
        firstCsv = Files.readString(dir.resolve("study.csv"));
        firstExecuted = List.copyOf(executed);
    }

    @Test
    void everyCellOfTheGridRanOnceWithBothSeeds() throws Exception {
        assertThat(firstExecuted).hasSize(StudySetting.GRID.size() * 2 * 2).doesNotHaveDuplicates();
        try (var s = Files.list(dir.resolve("runs"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).hasSize(28)
                    .contains("seg8-none-seed1", "seg4-average-seed2", "seg8-all-seed2");
        }
        ExperimentConfig avg = StudyDirectory.readConfig(dir.resolve("runs/seg4-average-seed2"));
        assertThat(avg.fusion().method()).isEqualTo(FusionMethod.AVERAGE);
        assertThat(avg.data().partition()).isEqualTo("segment:4");
        assertThat(avg.schedule().seed()).isEqualTo(2);
        assertThat(avg.schedule().rounds()).isEqualTo(1);
        assertThat(StudyDirectory.readConfig(dir.resolve("runs/seg8-2-seed1")).fusion().label()).isEqualTo("2");
    }

    @Test
    void tableCsvCostAndFiguresDescribeTheRuns() throws Exception {
        String md = Files.readString(dir.resolve("study.md"));
        for (StudySetting s : StudySetting.GRID) {
            assertThat(md).contains("| " + s.label() + " |");
        }
        assertThat(md).contains("segment 8 (round 2)").contains("segment 4 (round 1)").contains(" ± ");
        // one row per setting, segment and round: 7 x (2 + 1)
        assertThat(firstCsv.lines()).hasSize(1 + 7 * 3);
        StudyReport report = StudyReport.load(new StudyDirectory(dir), preset.plan(2));
        StudyReport.Cell none8 = report.cell(StudySetting.NONE, 8);
        double[] seed1 = StudyReport.column(Files.readAllLines(dir.resolve("runs/seg8-none-seed1/rounds.csv")),
                "acc_mean", null);
        double[] seed2 = StudyReport.column(Files.readAllLines(dir.resolve("runs/seg8-none-seed2/rounds.csv")),
                "acc_mean", null);
        assertThat(none8.mean(2)).isCloseTo((seed1[1] + seed2[1]) / 2, within(1e-9));
        assertThat(none8.std(2)).isCloseTo(Math.abs(seed1[1] - seed2[1]) / Math.sqrt(2), within(1e-9));
        assertThat(firstCsv).contains(String.format(java.util.Locale.ROOT, "none,fmkt,none,8,2,2,%.4f,",
                none8.mean(2)));
        // cost: every fused pair timed; averaging has no training, so it is far cheaper than distillation
        assertThat(none8.fusionSeconds()).hasSize(2 * 2);
        assertThat(report.costOf(StudySetting.AVERAGE)).isLessThan(report.costOf(StudySetting.NONE));
        List<String> cost = Files.readAllLines(dir.resolve("cost.csv"));
        assertThat(cost).anyMatch(l -> l.startsWith("none,8,4,") && l.contains(",1.0000,"));
        for (String png : List.of("convergence-seg8.png", "convergence-seg4.png")) {
            var image = ImageIO.read(dir.resolve(png).toFile());
            assertThat(image).as(png).isNotNull();
            assertThat(image.getWidth()).isEqualTo(1100);
        }
    }

    @Test
    void aRerunRedoesNothingAndARemovedRunIsRedoneToTheSameNumbers() throws Exception {
        executed.clear();
        Study.run(preset, 2, dir, counting(new PrintStream(new ByteArrayOutputStream())),
                new PrintStream(new ByteArrayOutputStream()));
        assertThat(executed).isEmpty();
        assertThat(Files.readString(dir.resolve("study.csv"))).isEqualTo(firstCsv);
        Files.delete(dir.resolve("study.csv"));
        Study.reportOnly(preset, 2, dir); // --report-only: the same report, nothing run
        assertThat(executed).isEmpty();
        assertThat(Files.readString(dir.resolve("study.csv"))).isEqualTo(firstCsv);

        Path victim = dir.resolve("runs/seg4-all-seed2");
        try (var s = Files.walk(victim)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.createDirectories(dir.resolve("runs/seg8-3-seed2.partial")); // a run killed mid-write
        Study.run(preset, 2, dir, counting(new PrintStream(new ByteArrayOutputStream())),
                new PrintStream(new ByteArrayOutputStream()));
        assertThat(executed).containsExactly("seg4-all-seed2");
        assertThat(dir.resolve("runs/seg8-3-seed2.partial")).doesNotExist();
        assertThat(Files.readString(dir.resolve("study.csv"))).isEqualTo(firstCsv);
    }

    @Test
    void anotherPresetInTheSameDirectoryIsRefusedByName() {
        assertThatThrownBy(() -> Study.run(tinyPreset(4), 2, dir, counting(System.out),
                new PrintStream(new ByteArrayOutputStream())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("seg8-none-seed1")
                .hasMessageContaining("another config");
    }

    @Test
    void theStudyPresetsAreWithinTheServicesDefaultLimits() {
        assertThat(RunLimits.DEFAULTS.check(StudyPreset.cpu("data").base())).isEmpty();
        assertThat(RunLimits.DEFAULTS.check(StudyPreset.paper("data").base())).isEmpty();
    }

    @Test
    void presetsPlanTheIssuesGrid() {
        List<StudyRun> cpu = StudyPreset.cpu("data.tar.gz").plan(2);
        assertThat(cpu).hasSize(28);
        assertThat(cpu.get(0).key()).isEqualTo("seg8-none-seed1");
        StudyPreset paper = StudyPreset.paper("data.tar.gz");
        assertThat(paper.base().width()).isEqualTo(64);
        assertThat(paper.base().data().perClientCap()).isZero();
        assertThat(paper.rounds()).containsExactly(Map.entry(8, 100), Map.entry(4, 50));
        assertThat(paper.defaultSeeds()).isEqualTo(3);
        assertThatThrownBy(() -> StudyPreset.named("gpu", "x")).hasMessageContaining("unknown study preset 'gpu'");
        assertThatThrownBy(() -> paper.plan(0)).hasMessageContaining("--seeds must be >= 1");
    }
}
