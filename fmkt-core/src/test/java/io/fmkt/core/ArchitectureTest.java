package io.fmkt.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * fmkt-core is the method and nothing else, and reads bottom-up like the paper: names, numerics and data,
 * the model and the losses, the config, training and fusion, then the protocol and the simulator.
 * A package may use the packages below it, never one above.
 */
class ArchitectureTest {
    /** Bottom first. */
    static final List<String> LAYERS = List.of("names", "numerics", "data", "model", "loss", "codec", "store", "config",
            "train", "schedule", "wire", "admission", "results", "protocol", "simulator");

    static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.fmkt.core");
    }

    @Test
    void everyPackageHasAPlaceInTheOrder() {
        assertThat(core.stream().map(c -> c.getPackageName().substring("io.fmkt.core.".length()).split("\\.")[0])
                .distinct()).allMatch(LAYERS::contains, "listed in LAYERS");
    }

    @Test
    void noPackageDependsOnAPackageAboveIt() {
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            String[] above = LAYERS.subList(i + 1, LAYERS.size()).stream().map(p -> "io.fmkt.core." + p + "..")
                    .toArray(String[]::new);
            if (above.length == 0) {
                continue;
            }
            violations.addAll(noClasses().that().resideInAPackage("io.fmkt.core." + LAYERS.get(i) + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(above).evaluate(core)
                    .getFailureReport().getDetails());
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void thePackagesFormNoCycle() {
        assertThat(slices().matching("io.fmkt.core.(*)..").should().beFreeOfCycles().evaluate(core)
                .getFailureReport().getDetails()).isEmpty();
    }

    /**
     * No NDArray op with a {@code Number} operand: DJL frees the number's memory while autograd may still
     * need it ({@link io.fmkt.core.numerics.Scalars}). Checked to fail on {@code x.mul(2f)}.
     */
    @Test
    void numbersEnterTensorArithmeticThroughScalarsOnly() {
        DescribedPredicate<JavaMethodCall> numberOperand = DescribedPredicate.describe(
                "an NDArray op with a Number operand", call -> call.getTargetOwner().isAssignableTo(NDArray.class)
                        && call.getTarget().getRawParameterTypes().stream().anyMatch(t -> t.isEquivalentTo(Number.class)));
        assertThat(noClasses().should().callMethodWhere(numberOperand).evaluate(core).getFailureReport().getDetails())
                .isEmpty();
    }

    /** DJL, the JDK, Jackson (wire records), commons-compress (CIFAR archive), JNA (numerics settings). */
    @Test
    void coreDependsOnDjlAndTheJdkOnly() {
        assertThat(classes().should().onlyDependOnClassesThat().resideInAnyPackage("io.fmkt.core..", "java..",
                "javax..", "ai.djl..", "com.fasterxml.jackson..", "org.apache.commons.compress..", "com.sun.jna..")
                .evaluate(core).getFailureReport().getDetails()).isEmpty();
    }
}
