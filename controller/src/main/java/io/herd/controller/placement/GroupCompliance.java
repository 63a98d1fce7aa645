package io.herd.controller.placement;

import java.util.List;

/** Whether a group's hard policy holds now, and which members break it. */
public record GroupCompliance(boolean compliant, List<String> violatingServerIds, String reason) {
    public GroupCompliance {
        violatingServerIds = List.copyOf(violatingServerIds);
    }

    public static GroupCompliance ok() {
        return new GroupCompliance(true, List.of(), "");
    }
}
