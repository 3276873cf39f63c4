package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.numerics.KernelCheck;
import io.fmkt.core.numerics.Numerics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services whose convolution kernels give a wrong answer (one injected into their kernel check, as no
 * kernel of this machine is known to be wrong) refuse the run instead of computing garbage: each
 * dead-letters it as {@code KERNEL_CHECK_FAILED}, {@code ./fmkt run} fails with that reason, and
 * each service reports itself not ready, saying why.
 */
class KernelRefusalEndToEndTest {

    @Test
    void servicesWithWrongKernelsRefuseTheRunAndAreNotReady(@TempDir Path tmp) throws Exception {
        LocalDeployment.Ports ports = EndToEndTest.freePorts();
        DeploymentOptions d = EndToEndTest.options(tmp, ports);
        ExperimentConfig c = ExperimentConfig.builder().data("synthetic").clients(4).pairs(1).rounds(1).width(4)
                .seed(1).build();
        // no startup check (they would never be ready); the run's own check at admission meets the fault
        System.setProperty(LocalDeployment.SERVICE_JAVA_OPTS_PROPERTY, "-D" + KernelCheck.FAULT_PROPERTY
                + "=wrong-gradient -Dfmkt.kernel-check.widths=none");
        try (LocalDeployment local = LocalDeployment.startOrReuse(d.home(), d.stateDir(), tmp.resolve("logs"), ports,
                Numerics.NATIVE, m -> { })) {
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            assertThatThrownBy(() -> RunCommand.execute(c, "e2e-wrong-kernels", d, new PrintStream(console, true)))
                    .isInstanceOf(RunClient.RunFailedException.class)
                    .hasMessageContaining("KERNEL_CHECK_FAILED")
                    .hasMessageContaining("convolutions give wrong answers on this processor");
            for (LocalDeployment.Service s : LocalDeployment.Service.values()) {
                long deadline = System.nanoTime() + 60_000_000_000L; // each service admits the run on its own
                while (local.ready(s) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertThat(local.ready(s)).as(s + " ready after its kernels failed").isFalse();
                assertThat(local.health(s)).as(s.toString()).contains("\"status\": \"DOWN\"")
                        .contains("aten convolutions give wrong answers", "layer2.0.conv1");
            }
        } finally {
            System.clearProperty(LocalDeployment.SERVICE_JAVA_OPTS_PROPERTY);
        }
    }
}
