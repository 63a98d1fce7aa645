package io.herd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Only io.herd.agent.hypervisor may use libvirt; everything else goes through its interface. */
class LibvirtImportBoundaryTest {

    private static final Pattern LIBVIRT = Pattern.compile("\\borg\\.libvirt\\.");
    private static final Path HYPERVISOR = Path.of("io", "herd", "agent", "hypervisor");

    @Test
    void onlyTheHypervisorPackageMentionsOrgLibvirt() throws IOException {
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        for (Path root : List.of(Path.of("src/main/java"), Path.of("src/test/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    scanned++;
                    Path rel = root.relativize(file);
                    if (rel.startsWith(HYPERVISOR)) {
                        continue;
                    }
                    if (LIBVIRT.matcher(Files.readString(file, StandardCharsets.UTF_8)).find()) {
                        offenders.add(file.toString());
                    }
                }
            }
        }
        assertThat(scanned).as("source files scanned").isGreaterThan(20);
        assertThat(offenders).as("files outside %s that use org.libvirt", HYPERVISOR).isEmpty();
    }

    @Test
    void theCheckWouldCatchAnImport() {
        String pkg = "org" + ".libvirt"; // split so that this file does not trip the check itself
        assertThat(LIBVIRT.matcher("import " + pkg + ".Connect;").find()).isTrue();
        assertThat(LIBVIRT.matcher("var c = new " + pkg + ".Connect(uri);").find()).isTrue();
        assertThat(LIBVIRT.matcher("import " + pkg + "x.Thing;").find()).isFalse();
    }
}
