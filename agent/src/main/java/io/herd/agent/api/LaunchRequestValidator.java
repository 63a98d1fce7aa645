package io.herd.agent.api;

import io.herd.agent.hypervisor.DomainSpec;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.common.InvalidFieldException;
import io.herd.common.LaunchLimits;
import io.herd.common.LaunchRules;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks every field of a launch before anything is touched, with the rules the controller
 * checks a create with ({@link LaunchRules}) and this agent's own limits.
 */
public final class LaunchRequestValidator {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final LaunchLimits limits;

    public LaunchRequestValidator(LaunchLimits limits) {
        this.limits = limits;
    }

    public LaunchLimits limits() {
        return limits;
    }

    /** @throws InvalidFieldException naming the first field that cannot be accepted */
    public DomainSpec validate(LaunchServerRequest r) {
        UUID id = serverId(r.getServerId());
        String name = LaunchRules.name("name", r.getName());
        String image = LaunchRules.image("image", r.getImage());
        LaunchRules.size(Integer.toUnsignedLong(r.getVcpus()), r.getMemoryMib(), r.getDiskGib(), image, limits);
        String groupId = LaunchRules.groupId("group_id", r.getGroupId());
        String network = LaunchRules.network("network", r.getNetwork());
        return new DomainSpec(id, name, r.getVcpus(), r.getMemoryMib(), r.getDiskGib(), image, groupId, network,
                r.getFence());
    }

    /** @throws InvalidFieldException unless {@code text} is a UUID */
    public static UUID serverId(String text) {
        if (text.length() != 36 || !UUID_TEXT.matcher(text).matches()) {
            throw new InvalidFieldException("server_id", "must be a UUID like 123e4567-e89b-12d3-a456-426614174000"
                    + (text.length() <= 64 ? ", got '" + text + "'" : " (got " + text.length() + " characters)"));
        }
        return UUID.fromString(text.toLowerCase(Locale.ROOT));
    }
}
