package io.fmkt.stack;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on a secured broker (anything not granted is denied): only the services write the
 * protocol's topics; the operator (the CLI) starts runs on {@code fmkt.runs}, may log a replay's rounds on
 * {@code fmkt.rounds}, creates the topics and reads them all; nobody else does anything.
 */
final class KafkaAcls {
    static final String TOPIC_PREFIX = "fmkt.";
    /** The services' consumer groups ({@code fmkt-client-service-0-runs}, ...). */
    static final String GROUP_PREFIX = "fmkt-";

    private KafkaAcls() {
    }

    static List<AclBinding> bindings() {
        List<AclBinding> b = new ArrayList<>();
        String service = "User:" + KafkaUsers.SERVICE;
        String operator = "User:" + KafkaUsers.OPERATOR;
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE)) {
            b.add(allow(service, ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED, op));
        }
        b.add(allow(service, ResourceType.GROUP, GROUP_PREFIX, PatternType.PREFIXED, AclOperation.READ));
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE,
                AclOperation.DESCRIBE_CONFIGS)) {
            b.add(allow(operator, ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED, op));
        }
        b.add(allow(operator, ResourceType.TOPIC, TOPIC_PREFIX + "runs", PatternType.LITERAL, AclOperation.WRITE));
        b.add(allow(operator, ResourceType.TOPIC, TOPIC_PREFIX + "rounds", PatternType.LITERAL, AclOperation.WRITE));
        return b;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
            AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }
}
