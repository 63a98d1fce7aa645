package io.herd.controller.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The placement package stays pure: no gRPC, protobuf, JDBC or libvirt. */
class PackageImportsTest {
    private static final Pattern FORBIDDEN =
            Pattern.compile("\\b(io\\.grpc|com\\.google\\.protobuf|io\\.herd\\.api|java\\.sql|javax\\.sql|org\\.libvirt)\\.");
    private static final Path SOURCES = Path.of("src/main/java/io/herd/controller/placement");

    @Test
    void placementSourcesUseNoWireStoreOrHypervisorTypes() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(SOURCES)) {
            files = listing.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(files).as("placement sources under %s", SOURCES.toAbsolutePath()).hasSizeGreaterThan(10);
        List<String> offending = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                boolean comment = line.startsWith("*") || line.startsWith("/*") || line.startsWith("//");
                if (!comment && FORBIDDEN.matcher(line).find()) {
                    offending.add(file.getFileName() + ":" + (i + 1) + ": " + line);
                }
            }
        }
        assertThat(offending).isEmpty();
    }

    @Test
    void theCheckCatchesAForbiddenImport() {
        assertThat(FORBIDDEN.matcher("import io.grpc.Status;").find()).isTrue();
        assertThat(FORBIDDEN.matcher("import java.sql.Connection;").find()).isTrue();
        assertThat(FORBIDDEN.matcher("import java.util.List;").find()).isFalse();
    }
}
