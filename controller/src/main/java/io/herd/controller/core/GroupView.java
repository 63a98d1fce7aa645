package io.herd.controller.core;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.placement.GroupCompliance;
import java.util.List;

/** A server group with its members and whether its hard policy holds now. */
public record GroupView(GroupRecord group, List<String> memberIds, GroupCompliance compliance) {
}
