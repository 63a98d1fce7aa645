package io.herd.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LaunchRulesTest {

    private static final LaunchLimits SMALL = new LaunchLimits(8, 8192, 100);

    private static void refused(Runnable check, String field, String fragment) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).startsWith(field + ": ").contains(fragment);
        });
    }

    @Test
    void namesAreOneTo255PrintableCharacters() {
        assertThat(LaunchRules.name("name", "web-1 é </x>&")).isEqualTo("web-1 é </x>&");
        assertThat(LaunchRules.name("name", "é".repeat(255))).hasSize(255);
        assertThat(LaunchRules.optionalName("reason", "")).isEmpty();
        refused(() -> LaunchRules.name("name", ""), "name", "required");
        refused(() -> LaunchRules.name("name", "a".repeat(256)), "name", "too long (256 characters)");
        refused(() -> LaunchRules.name("name", "x".repeat(1 << 20)), "name", "100000+ characters");
        refused(() -> LaunchRules.name("name", "line\nbreak"), "name", "U+000A at position 4");
        refused(() -> LaunchRules.name("name", "private\uE000use"), "name", "U+E000");
        refused(() -> LaunchRules.name("name", "zero\u200Bwidth"), "name", "U+200B");
        refused(() -> LaunchRules.name("name", "para\u2029graph"), "name", "U+2029");
        refused(() -> LaunchRules.name("name", "lone\uD800"), "name", "U+D800");
    }

    @Test
    void imagesAreFileNamesInTheImageDirectory() {
        assertThat(LaunchRules.image("image", "")).isEmpty();
        assertThat(LaunchRules.image("image", "debian-12_v2+x.qcow2")).isEqualTo("debian-12_v2+x.qcow2");
        for (String bad : new String[] {"a b.img", "../etc/passwd", "dir/base.qcow2", ".hidden", ".", "..",
                "-rf", "é.qcow2", "x".repeat(256)}) {
            refused(() -> LaunchRules.image("image", bad), "image", "file name");
        }
    }

    @Test
    void networksAndGroupIdsHaveTheirOwnAlphabet() {
        assertThat(LaunchRules.network("network", "default")).isEqualTo("default");
        assertThat(LaunchRules.network("network", "")).isEmpty();
        refused(() -> LaunchRules.network("network", "evil net"), "network", "was 'evil net'");
        refused(() -> LaunchRules.network("network", "n".repeat(65)), "network", "libvirt network name");
        assertThat(LaunchRules.groupId("group_id", "1b4e28ba-2fa1-11d2-883f-0016d3cca427")).isNotEmpty();
        refused(() -> LaunchRules.groupId("group_id", "a/b"), "group_id", "A–Z");
        refused(() -> LaunchRules.groupId("group_id", "bell\u0007"), "group_id", "\\u0007");
    }

    @Test
    void sizesAreWithinTheLimitsAndTheDiskGoesWithTheImage() {
        LaunchRules.size(8, 8192, 100, "base.qcow2", SMALL);
        LaunchRules.size(1, 16, 0, "", SMALL);
        refused(() -> LaunchRules.size(0, 64, 0, "", SMALL), "vcpus", "between 1 and 8");
        refused(() -> LaunchRules.size(9, 64, 0, "", SMALL), "vcpus", "was 9");
        refused(() -> LaunchRules.size(Integer.toUnsignedLong(-1), 64, 0, "", SMALL), "vcpus", "was 4294967295");
        refused(() -> LaunchRules.size(1, 15, 0, "", SMALL), "memory_mib", "between 16 and 8192");
        refused(() -> LaunchRules.size(1, -1, 0, "", SMALL), "memory_mib", "was 18446744073709551615");
        refused(() -> LaunchRules.size(1, 64, 1, "", SMALL), "disk_gib", "must be 0 for a diskless server");
        refused(() -> LaunchRules.size(1, 64, 0, "base.qcow2", SMALL), "disk_gib", "between 1 and 100");
        refused(() -> LaunchRules.size(1, 64, 101, "base.qcow2", SMALL), "disk_gib", "was 101");
    }

    @Test
    void aFlavorsDiskMayBeZeroOrUpToTheLimitWhateverTheImage() {
        LaunchRules.flavorSize(8, 8192, 0, SMALL);
        LaunchRules.flavorSize(1, 16, 100, SMALL);
        refused(() -> LaunchRules.flavorSize(0, 64, 0, SMALL), "vcpus", "between 1 and 8");
        refused(() -> LaunchRules.flavorSize(1, 8193, 0, SMALL), "memory_mib", "between 16 and 8192");
        refused(() -> LaunchRules.flavorSize(1, 64, 101, SMALL), "disk_gib", "between 0 and 100");
        refused(() -> LaunchRules.flavorSize(1, 64, -1, SMALL), "disk_gib", "was 18446744073709551615");
    }

    @Test
    void reportedLimitsFallBackToTheApiBoundsAndNeverExceedThem() {
        assertThat(LaunchLimits.reported(0, 0, 0)).isEqualTo(LaunchLimits.API);
        assertThat(LaunchLimits.reported(1 << 20, -1, 10)).isEqualTo(new LaunchLimits(1024, 16L << 20, 10));
        assertThat(SMALL.admits(8, 8192, 100)).isTrue();
        assertThat(SMALL.admits(8, 8193, 100)).isFalse();
        assertThatThrownBy(() -> new LaunchLimits(0, 64, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportedMemoryBelowTheSmallestServerIsARefusedFieldNotACrash() {
        assertThat(LaunchLimits.reported(1, LaunchRules.MIN_MEMORY_MIB, 1))
                .isEqualTo(new LaunchLimits(1, LaunchRules.MIN_MEMORY_MIB, 1));
        refused(() -> LaunchLimits.reported(1024, 4, 4), "limits.max_memory_mib", "at least 16 MiB, the smallest "
                + "server's memory, was 4");
        refused(() -> LaunchLimits.reported(0, 15, 0), "limits.max_memory_mib", "was 15");
    }
}
