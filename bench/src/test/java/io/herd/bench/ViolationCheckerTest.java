package io.herd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViolationCheckerTest {
    private static final Workload WORKLOAD = new Workload("planted", 2.0, 1.0,
            List.of(new Workload.Host("a", 2, 4096, 100, "r1", "z1"), new Workload.Host("b", 2, 4096, 100, "r1", "z1"),
                    new Workload.Host("c", 2, 4096, 100, "r2", "z1"), new Workload.Host("d", 2, 4096, 100, "", "z1")),
            List.of(new Workload.Group("anti", "anti-affinity", null, null),
                    new Workload.Group("anti2", "anti-affinity", "rack", 2),
                    new Workload.Group("aff", "affinity", "rack", null),
                    new Workload.Group("soft", "soft-anti-affinity", null, null)),
            List.of(request("x1", "anti"), request("x2", "anti"),
                    request("y1", "anti2"), request("y2", "anti2"), request("y3", "anti2"),
                    request("z1", "aff"), request("z2", "aff"),
                    request("s1", "soft"), request("s2", "soft"),
                    new Workload.Request("big", 4, 4096, 10, null)));

    private static Workload.Request request(String name, String group) {
        return new Workload.Request(name, 1, 512, 10, group);
    }

    @Test
    void aLegalAssignmentHasNoViolations() {
        Map<String, String> legal = Map.of("x1", "a", "x2", "b", "y1", "a", "y2", "b", "y3", "c", "z1", "a", "z2", "b",
                "s1", "c", "s2", "c");
        assertThat(ViolationChecker.violations(WORKLOAD, legal)).isEmpty();
    }

    @Test
    void catchesPlantedViolationsOfEveryKind() {
        assertThat(ViolationChecker.violations(WORKLOAD, Map.of("x1", "c", "x2", "c")))
                .containsExactly("anti-affinity group anti has 2 members in host c");
        assertThat(ViolationChecker.violations(WORKLOAD, Map.of("y1", "a", "y2", "b", "y3", "a")))
                .containsExactly("anti-affinity group anti2 has 3 members in rack r1");
        assertThat(ViolationChecker.violations(WORKLOAD, Map.of("z1", "c", "z2", "d"))).hasSize(1)
                .allSatisfy(v -> assertThat(v).startsWith("affinity group aff spans"));
        // 4 vCPUs fit 2 × 2.0; one more vCPU does not
        assertThat(ViolationChecker.violations(WORKLOAD, Map.of("big", "d"))).isEmpty();
        assertThat(ViolationChecker.violations(WORKLOAD, Map.of("big", "d", "s1", "d")))
                .containsExactly("host d over capacity: 5 vcpus, 4608 MiB, 20 GiB");
        assertThat(ViolationChecker.violations(WORKLOAD, Map.of("ghost", "a")))
                .containsExactly("server ghost on host a is not in the workload");
    }
}
