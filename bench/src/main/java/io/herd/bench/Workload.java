package io.herd.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A placement workload in the format of {@code WORKLOAD.md}: hosts, groups and requests in order. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Workload(
        @JsonProperty("name") String name,
        @JsonProperty("cpu_allocation_ratio") double cpuAllocationRatio,
        @JsonProperty("ram_allocation_ratio") double ramAllocationRatio,
        @JsonProperty("hosts") List<Host> hosts,
        @JsonProperty("groups") List<Group> groups,
        @JsonProperty("requests") List<Request> requests) {

    public Workload {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        groups = groups == null ? List.of() : List.copyOf(groups);
        requests = requests == null ? List.of() : List.copyOf(requests);
        cpuAllocationRatio = cpuAllocationRatio == 0 ? 1.0 : cpuAllocationRatio;
        ramAllocationRatio = ramAllocationRatio == 0 ? 1.0 : ramAllocationRatio;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Host(
            @JsonProperty("name") String name,
            @JsonProperty("vcpus") int vcpus,
            @JsonProperty("memory_mib") long memoryMib,
            @JsonProperty("disk_gib") long diskGib,
            @JsonProperty("rack") String rack,
            @JsonProperty("zone") String zone) {
    }

    /**
     * @param policy           {@code affinity}, {@code anti-affinity}, {@code soft-affinity} or {@code soft-anti-affinity}
     * @param scope            {@code host} (default), {@code rack} or {@code zone}
     * @param maxServerPerHost anti-affinity only: most members per domain (default 1)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Group(
            @JsonProperty("name") String name,
            @JsonProperty("policy") String policy,
            @JsonProperty("scope") String scope,
            @JsonProperty("max_server_per_host") Integer maxServerPerHost) {

        public int maxPerDomain() {
            return maxServerPerHost == null ? 1 : maxServerPerHost;
        }

        public String scopeOrDefault() {
            return scope == null || scope.isBlank() ? "host" : scope;
        }
    }

    /** @param group the group's name, or null for none */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Request(
            @JsonProperty("name") String name,
            @JsonProperty("vcpus") int vcpus,
            @JsonProperty("memory_mib") long memoryMib,
            @JsonProperty("disk_gib") long diskGib,
            @JsonProperty("group") String group) {
    }

    public static Workload read(Path file) throws IOException {
        return new ObjectMapper().readValue(file.toFile(), Workload.class);
    }
}
