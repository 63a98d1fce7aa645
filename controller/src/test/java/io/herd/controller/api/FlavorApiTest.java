package io.herd.controller.api;

import static io.herd.controller.api.ServerGroupServiceTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.herd.api.v1.CreateFlavorRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.DeleteFlavorRequest;
import io.herd.api.v1.Flavor;
import io.herd.api.v1.GetFlavorRequest;
import io.herd.api.v1.ListFlavorsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Server;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlavorApiTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir);
        h.heartbeat("h1");
        h.heartbeat("h2");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void createsGetsListsAndDeletesFlavorsByIdOrName() {
        Flavor small = flavor("", "small", 1, 512, 0);
        Flavor big = flavor("m1.big-2_x", "big", 8, 16_384, 100);
        assertThat(small.getId()).matches("[0-9a-f-]{36}");
        assertThat(small.getCreatedAt().getSeconds()).isPositive();
        assertThat(big.getId()).isEqualTo("m1.big-2_x");
        assertThat(big.getVcpus()).isEqualTo(8);
        assertThat(big.getMemoryMib()).isEqualTo(16_384);
        assertThat(big.getDiskGib()).isEqualTo(100);
        assertThat(get(small.getId())).isEqualTo(small);
        assertThat(get("small")).isEqualTo(small);
        assertThat(get("m1.big-2_x")).isEqualTo(big);
        assertThat(list()).containsExactly(big, small);

        h.flavors.deleteFlavor(DeleteFlavorRequest.newBuilder().setId("small").build());
        assertCode(Status.Code.NOT_FOUND, "flavor: no flavor with id or name 'small'", () -> get("small"));
        assertCode(Status.Code.NOT_FOUND, "flavor:", () -> h.flavors.deleteFlavor(
                DeleteFlavorRequest.newBuilder().setId(small.getId()).build()));
        assertThat(list()).containsExactly(big);
    }

    @Test
    void flavorsSurviveARestart() throws Exception {
        Flavor f = flavor("f1", "small", 2, 2048, 20);
        h.restart();
        assertThat(get("small")).isEqualTo(f);
    }

    @Test
    void refusesATakenIdOrName() {
        flavor("f1", "small", 1, 512, 0);
        assertCode(Status.Code.ALREADY_EXISTS, "name: a flavor named 'small' already exists",
                () -> flavor("f2", "small", 2, 1024, 0));
        assertCode(Status.Code.ALREADY_EXISTS, "id: a flavor with id 'f1' already exists",
                () -> flavor("f1", "other", 2, 1024, 0));
        assertThat(list()).extracting(Flavor::getId).containsExactly("f1");
    }

    @Test
    void validatesEveryFieldAtItsBoundsAndChangesNothing() {
        invalid("name", b -> b.setName(""));
        invalid("name", b -> b.setName("x".repeat(256)));
        invalid("name", b -> b.setName("tab\tname"));
        invalid("vcpus", b -> b.setVcpus(0));
        invalid("vcpus", b -> b.setVcpus(1025));
        invalid("vcpus", b -> b.setVcpus(-1));
        invalid("memory_mib", b -> b.setMemoryMib(15));
        invalid("memory_mib", b -> b.setMemoryMib(16L * 1024 * 1024 + 1));
        invalid("memory_mib", b -> b.setMemoryMib(-1));
        invalid("disk_gib", b -> b.setDiskGib(65_537));
        invalid("disk_gib", b -> b.setDiskGib(-1));
        invalid("id", b -> b.setId("a/b"));
        invalid("id", b -> b.setId("with space"));
        invalid("id", b -> b.setId("x".repeat(256)));
        assertCode(Status.Code.INVALID_ARGUMENT, "id:", () -> h.flavors.getFlavor(
                GetFlavorRequest.getDefaultInstance()));
        assertCode(Status.Code.INVALID_ARGUMENT, "id:", () -> h.flavors.deleteFlavor(
                DeleteFlavorRequest.getDefaultInstance()));
        assertThat(list()).isEmpty();

        // the bounds themselves are fine
        flavor("x".repeat(255), "é".repeat(255), 1, 16, 0);
        flavor("", "largest", 1024, 16L * 1024 * 1024, 65_536);
        assertThat(list()).hasSize(2);
    }

    @Test
    void serversTakeAFlavorsSizesShowItsNameAndKeepTheirMetadataInOrder() throws Exception {
        Flavor f = flavor("m1.small", "small", 2, 2048, 10);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("zone-hint", "b");
        metadata.put("app", "web");
        metadata.put("empty", "");
        List<Server> created = h.servers.createServers(CreateServersRequest.newBuilder().setName("web")
                .setImage(Harness.IMAGE).setFlavor("small").setCount(2).putAllMetadata(metadata).build())
                .getServersList();
        assertThat(created).hasSize(2).allSatisfy(s -> {
            assertThat(s.getVcpus()).isEqualTo(2);
            assertThat(s.getMemoryMib()).isEqualTo(2048);
            assertThat(s.getDiskGib()).isEqualTo(10);
            assertThat(s.getFlavor()).isEqualTo("small");
            assertThat(s.getMetadataMap()).isEqualTo(metadata);
        });
        Server active = h.active(created.get(0));
        assertThat(active.getMetadataMap().keySet()).containsExactly("zone-hint", "app", "empty");

        // by id too; a server with sizes of its own shows no flavor
        assertThat(h.servers.createServers(CreateServersRequest.newBuilder().setName("by-id")
                .setImage(Harness.IMAGE).setFlavor(f.getId()).build()).getServers(0).getFlavor()).isEqualTo("small");
        assertThat(h.create("plain", "", 1).getServers(0).getFlavor()).isEmpty();

        // deleting the flavor changes no server, nor does a restart
        h.flavors.deleteFlavor(DeleteFlavorRequest.newBuilder().setId("small").build());
        h.restart();
        Server kept = h.server(created.get(0).getId());
        assertThat(kept.getFlavor()).isEqualTo("small");
        assertThat(kept.getVcpus()).isEqualTo(2);
        assertThat(kept.getMetadataMap().keySet()).containsExactly("zone-hint", "app", "empty");
        assertThat(kept.getMetadataMap()).isEqualTo(metadata);
    }

    @Test
    void aFlavorAndSizesTogetherOrAnUnknownFlavorAreRefusedAndCreateNothing() {
        flavor("", "small", 2, 2048, 10);
        String both = "flavor: give either a flavor or vcpus/memory_mib/disk_gib, not both";
        assertCode(Status.Code.INVALID_ARGUMENT, both, () -> h.servers.createServers(fromFlavor("small")
                .setVcpus(2).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, both, () -> h.servers.createServers(fromFlavor("small")
                .setMemoryMib(2048).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, both, () -> h.servers.createServers(fromFlavor("small")
                .setDiskGib(10).build()));
        assertCode(Status.Code.NOT_FOUND, "flavor: no flavor with id or name 'nope'",
                () -> h.servers.createServers(fromFlavor("nope").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, "flavor:", () -> h.servers.createServers(fromFlavor("bad\nref")
                .build()));
        assertThat(servers()).isEmpty();
    }

    @Test
    void aFlavorsDiskIsCheckedAgainstTheImageAsSizesGivenAsSuchAre() {
        flavor("", "disk", 1, 512, 10);
        flavor("", "diskless", 1, 512, 0);
        assertCode(Status.Code.INVALID_ARGUMENT, "disk_gib: must be 0 for a diskless server",
                () -> h.servers.createServers(fromFlavor("disk").setImage("").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, "flavor: the sizes of flavor 'diskless' do not suit this server",
                () -> h.servers.createServers(fromFlavor("diskless").build()));
        assertThat(servers()).isEmpty();
        Server s = h.servers.createServers(fromFlavor("diskless").setImage("").build()).getServers(0);
        assertThat(s.getDiskGib()).isZero();
        assertThat(s.getImage()).isEmpty();
    }

    @Test
    void badMetadataIsRefusedNamingTheFieldAndCreatesNothing() {
        Map<String, String> tooMany = new LinkedHashMap<>();
        for (int i = 0; i < 129; i++) {
            tooMany.put("k" + i, "v");
        }
        badMetadata("metadata: has 129 items, at most 128", tooMany);
        badMetadata("metadata: a key is empty", Map.of("", "v"));
        badMetadata("metadata: key '" + "k".repeat(32) + "…' is longer than 255 characters",
                Map.of("k".repeat(256), "v"));
        badMetadata("metadata: the value of key 'long' is longer than 255 characters", Map.of("long", "v".repeat(256)));
        assertThat(servers()).isEmpty();

        // the limits themselves are fine
        Map<String, String> most = new LinkedHashMap<>();
        for (int i = 0; i < 128; i++) {
            most.put(String.format("%03d", i) + "k".repeat(252), "é".repeat(255));
        }
        Server s = h.servers.createServers(Harness.request("full", "").putAllMetadata(most).build()).getServers(0);
        assertThat(s.getMetadataMap()).isEqualTo(most);
        assertThat(h.server(s.getId()).getMetadataMap().keySet()).containsExactlyElementsOf(most.keySet());
    }

    private void badMetadata(String message, Map<String, String> metadata) {
        assertCode(Status.Code.INVALID_ARGUMENT, message, () -> h.servers.createServers(Harness.request("m", "")
                .putAllMetadata(metadata).build()));
    }

    private static CreateServersRequest.Builder fromFlavor(String flavor) {
        return CreateServersRequest.newBuilder().setName("s").setImage(Harness.IMAGE).setFlavor(flavor);
    }

    private Flavor flavor(String id, String name, int vcpus, long memoryMib, long diskGib) {
        return h.flavors.createFlavor(CreateFlavorRequest.newBuilder().setId(id).setName(name).setVcpus(vcpus)
                .setMemoryMib(memoryMib).setDiskGib(diskGib).build());
    }

    private Flavor get(String idOrName) {
        return h.flavors.getFlavor(GetFlavorRequest.newBuilder().setId(idOrName).build());
    }

    private List<Flavor> list() {
        return h.flavors.listFlavors(ListFlavorsRequest.getDefaultInstance()).getFlavorsList();
    }

    private List<Server> servers() {
        return h.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList();
    }

    private void invalid(String field, Consumer<CreateFlavorRequest.Builder> change) {
        CreateFlavorRequest.Builder b = CreateFlavorRequest.newBuilder().setName("f").setVcpus(1).setMemoryMib(512);
        change.accept(b);
        assertCode(Status.Code.INVALID_ARGUMENT, field + ":", () -> h.flavors.createFlavor(b.build()));
    }
}
