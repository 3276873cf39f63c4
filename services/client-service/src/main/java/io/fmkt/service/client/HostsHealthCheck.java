package io.fmkt.service.client;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@code hosts}: in {@code fmkt.client.ids=group}, DOWN until the replica has its first
 * share of fmkt.hosts, so that a deployment waiting for readiness submits runs to replicas that
 * already split the clients (UP at once otherwise).
 */
@Readiness
@ApplicationScoped
public class HostsHealthCheck implements HealthCheck {
    @Inject
    HostGroup group;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("hosts").status(group.assigned()).build();
    }
}
