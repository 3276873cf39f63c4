package io.fmkt.service.fusion;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import java.util.Map;

import io.fmkt.service.testing.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * A second application in the same JVM (another profile: Quarkus restarts in a new class loader) still
 * gets a working PyTorch engine. Without DJL in quarkus.class-loading.parent-first-artifacts, the
 * native library is already bound to the first application's class loader and the djl check is DOWN
 * ("Failed to load PyTorch native library"). It also reuses the running test stack.
 */
@QuarkusTest
@TestProfile(DjlAcrossRestartsTest.AnotherProfile.class)
@QuarkusTestResource(LocalStackResource.class)
class DjlAcrossRestartsTest {

    public static class AnotherProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fmkt.djl-threads", "1");
        }
    }

    @Test
    void djlIsUpInASecondApplication() {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.find { it.name == 'djl' }.status", is("UP"));
    }
}
