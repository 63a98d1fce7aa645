package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.DeleteServerGroupRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.ServerGroup;
import io.herd.runtime.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's OpenStack clients, {@code openstack} and {@code nova}, against a controller that
 * serves the compute API, with three agents on libvirt's test driver that offer one base
 * image: server groups of every policy in both API forms, and servers booted into them with
 * the {@code group} scheduler hint, checked against what the agents themselves run.
 * Skipped where the {@code openstack} program is not installed (scripts/setup-machine.sh
 * installs it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenStackClientsIT {

    static final List<Cluster.HostShape> HOSTS = List.of(
            new Cluster.HostShape("host1", 4, 8_192, "r1", "z1"),
            new Cluster.HostShape("host2", 4, 8_192, "r2", "z1"),
            new Cluster.HostShape("host3", 4, 8_192, "r3", "z1"));
    static final List<String> HOST_NAMES = HOSTS.stream().map(Cluster.HostShape::name).toList();
    static final String IMAGE = "cirros.qcow2";
    static final String FLAVOR = "m1.tiny";
    /** The first microversion that takes {@code --nic none} ({@code "networks": "none"}). */
    static final String NIC_NONE_VERSION = "2.37";
    static final Duration BOOT = Duration.ofSeconds(90);

    Cluster cluster;
    OpenStackCli cli;
    private boolean flavorMade;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        assumeTrue(OpenStackCli.installed(), "the openstack client is not installed (python3-openstackclient)");
        int novaPort = Ports.free();
        cluster = new Cluster(dir, "--nova-api-listen", "127.0.0.1:" + novaPort);
        for (Cluster.HostShape h : HOSTS) {
            Path images = Files.createDirectories(dir.resolve(h.name()).resolve("images"));
            Commands.Result img = Commands.run("qemu-img", "create", "-q", "-f", "qcow2",
                    images.resolve(IMAGE).toString(), "64M");
            assertThat(img.exitCode()).as(img.output()).isZero();
        }
        cluster.startTestAgents(HOSTS);
        cli = new OpenStackCli(dir.resolve("clients"), novaPort);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    // ---- server groups

    @Test
    void openstackCreatesListsShowsAndDeletesGroupsOfEveryPolicyInBothForms() {
        List<JsonNode> made = List.of(
                cli.openstackJson("--os-compute-api-version", "2.1", "server", "group", "create",
                        "--policy", "anti-affinity", "osc-anti"),
                cli.openstackJson("--os-compute-api-version", "2.1", "server", "group", "create",
                        "--policy", "affinity", "osc-aff"),
                cli.openstackJson("--os-compute-api-version", "2.15", "server", "group", "create",
                        "--policy", "soft-anti-affinity", "osc-soft-anti"),
                cli.openstackJson("--os-compute-api-version", "2.15", "server", "group", "create",
                        "--policy", "soft-affinity", "osc-soft-aff"),
                cli.openstackJson("--os-compute-api-version", "2.64", "server", "group", "create",
                        "--policy", "anti-affinity", "--rule", "max_server_per_host=2", "osc-max2"));
        // before 2.64 a group has "policies", from 2.64 "policy" and "rules"
        assertThat(made.subList(0, 4)).allSatisfy(g -> assertThat(g.has("policy")).isFalse());
        assertThat(made.get(0).get("policies").get(0).asText()).isEqualTo("anti-affinity");
        assertThat(made.get(3).get("policies").get(0).asText()).isEqualTo("soft-affinity");
        assertThat(made.get(4).get("policy").asText()).isEqualTo("anti-affinity");
        assertThat(made.get(4).get("rules").get("max_server_per_host").asInt()).isEqualTo(2);
        Map<String, String> ids = new HashMap<>();
        made.forEach(g -> ids.put(g.get("name").asText(), g.get("id").asText()));

        Map<String, String> listed = new HashMap<>();
        cli.openstackJson("server", "group", "list").forEach(g -> listed.put(g.get("Name").asText(),
                g.get("ID").asText() + " " + g.get("Policy").asText()));
        assertThat(listed).containsEntry("osc-anti", ids.get("osc-anti") + " anti-affinity")
                .containsEntry("osc-aff", ids.get("osc-aff") + " affinity")
                .containsEntry("osc-soft-anti", ids.get("osc-soft-anti") + " soft-anti-affinity")
                .containsEntry("osc-soft-aff", ids.get("osc-soft-aff") + " soft-affinity")
                .containsEntry("osc-max2", ids.get("osc-max2") + " anti-affinity");

        JsonNode shown = cli.openstackJson("server", "group", "show", ids.get("osc-max2"));
        assertThat(shown.get("name").asText()).isEqualTo("osc-max2");
        assertThat(shown.get("policy").asText()).isEqualTo("anti-affinity");
        assertThat(shown.get("rules").get("max_server_per_host").asInt()).isEqualTo(2);
        assertThat(shown.get("members")).isEmpty();

        // herd sees them as its own groups
        Map<String, ServerGroup> grpc = grpcGroups();
        assertThat(grpc.get(ids.get("osc-soft-anti")).getPolicy()).isEqualTo(Policy.SOFT_ANTI_AFFINITY);
        assertThat(grpc.get(ids.get("osc-max2")).getMaxPerDomain()).isEqualTo(2);
        assertThat(grpc.get(ids.get("osc-max2")).getScope()).isEqualTo(Scope.HOST);

        List<String> delete = new ArrayList<>(List.of("server", "group", "delete"));
        delete.addAll(ids.values());
        cli.openstack(delete.toArray(String[]::new)).assertSuccess();
        assertThat(cli.openstackJson("server", "group", "list")).noneSatisfy(
                g -> assertThat(ids).containsValue(g.get("ID").asText()));
        OpenStackCli.Result gone = cli.openstack("server", "group", "show", ids.get("osc-anti"));
        assertThat(gone.exitCode()).as(gone.toString()).isNotZero();
        assertThat(grpcGroups()).doesNotContainKeys(ids.values().toArray(String[]::new));
    }

    @Test
    void novaCreatesListsGetsAndDeletesGroupsOfEveryPolicyInBothForms() {
        Map<String, String> a = novaRow("--os-compute-api-version", "2.1", "server-group-create", "nova-anti",
                "anti-affinity");
        assertThat(a.get("Policies")).isEqualTo("['anti-affinity']");
        Map<String, String> b = novaRow("--os-compute-api-version", "2.1", "server-group-create", "nova-aff",
                "affinity");
        assertThat(b.get("Policies")).isEqualTo("['affinity']");
        Map<String, String> c = novaRow("--os-compute-api-version", "2.15", "server-group-create",
                "nova-soft-anti", "soft-anti-affinity");
        assertThat(c.get("Policies")).isEqualTo("['soft-anti-affinity']");
        assertThat(c.get("Project Id")).isEqualTo("herd");
        Map<String, String> d = novaRow("--os-compute-api-version", "2.15", "server-group-create",
                "nova-soft-aff", "soft-affinity");
        assertThat(d.get("Policies")).isEqualTo("['soft-affinity']");
        Map<String, String> e = novaRow("--os-compute-api-version", "2.64", "server-group-create", "nova-max2",
                "anti-affinity", "--rule", "max_server_per_host=2");
        assertThat(e.get("Policy")).isEqualTo("anti-affinity");
        assertThat(e.get("Rules")).isEqualTo("{'max_server_per_host': 2}");
        List<String> ids = List.of(a.get("Id"), b.get("Id"), c.get("Id"), d.get("Id"), e.get("Id"));

        // without --os-compute-api-version nova takes the newest both sides know: 2.64
        Map<String, String> listed = new HashMap<>();
        novaTable("server-group-list").forEach(r -> listed.put(r.get("Id"), r.get("Name") + " " + r.get("Policy")));
        assertThat(listed).containsEntry(ids.get(0), "nova-anti anti-affinity")
                .containsEntry(ids.get(1), "nova-aff affinity")
                .containsEntry(ids.get(2), "nova-soft-anti soft-anti-affinity")
                .containsEntry(ids.get(3), "nova-soft-aff soft-affinity")
                .containsEntry(ids.get(4), "nova-max2 anti-affinity");

        Map<String, String> got = novaRow("server-group-get", ids.get(4));
        assertThat(got).containsEntry("Name", "nova-max2").containsEntry("Rules", "{'max_server_per_host': 2}")
                .containsEntry("Members", "[]");
        Map<String, String> old = novaRow("--os-compute-api-version", "2.1", "server-group-get", ids.get(2));
        assertThat(old).containsEntry("Policies", "['soft-anti-affinity']");

        for (String id : ids) {
            cli.nova("server-group-delete", id).assertSuccess();
        }
        assertThat(novaTable("server-group-list")).noneSatisfy(r -> assertThat(ids).contains(r.get("Id")));
        OpenStackCli.Result gone = cli.nova("server-group-get", ids.get(0));
        assertThat(gone.exitCode()).as(gone.toString()).isNotZero();
        assertThat(gone.stderr()).contains("404");
    }

    @Test
    void aGroupMadeOverGrpcIsListedByBothClients() {
        ServerGroup g = cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("grpc-spread")
                .setPolicy(Policy.ANTI_AFFINITY).setScope(Scope.HOST).setMaxPerDomain(3).build());
        try {
            assertThat(cli.openstackJson("server", "group", "list")).anySatisfy(row -> {
                assertThat(row.get("ID").asText()).isEqualTo(g.getId());
                assertThat(row.get("Name").asText()).isEqualTo("grpc-spread");
                assertThat(row.get("Policy").asText()).isEqualTo("anti-affinity");
            });
            JsonNode shown = cli.openstackJson("server", "group", "show", g.getId());
            assertThat(shown.get("rules").get("max_server_per_host").asInt()).isEqualTo(3);
            assertThat(novaTable("server-group-list")).anySatisfy(row -> {
                assertThat(row.get("Id")).isEqualTo(g.getId());
                assertThat(row.get("Rules")).isEqualTo("{'max_server_per_host': 3}");
            });
        } finally {
            cluster.groups.deleteServerGroup(DeleteServerGroupRequest.newBuilder().setId(g.getId()).build());
        }
    }

    // ---- servers

    @Test
    void antiAffinityMembersGoToDistinctHostsAndTheOneTooManyEndsInError() {
        String group = newGroup("2.1", "web", "anti-affinity");
        List<String> servers = new ArrayList<>();
        Map<String, String> hostOf = new HashMap<>();
        for (int i = 1; i <= HOSTS.size(); i++) {
            JsonNode s = createServer(group, "web-" + i);
            assertThat(s.get("status").asText()).isEqualTo("ACTIVE");
            servers.add(s.get("id").asText());
            hostOf.put(s.get("id").asText(), s.get("OS-EXT-SRV-ATTR:host").asText());
        }
        assertThat(hostOf.values()).containsExactlyInAnyOrderElementsOf(HOST_NAMES);
        assertThat(agentHosts(servers)).isEqualTo(hostOf);

        // the fourth member: Nova accepts the request (202) and the server goes to ERROR
        createServerThatFails(group, "web-4");
        JsonNode error = cli.openstackJson("server", "show", "web-4");
        assertThat(error.get("status").asText()).isEqualTo("ERROR");
        assertThat(faultMessage(error)).startsWith("No valid host was found");
        servers.add(error.get("id").asText());

        // the listing shows each member's host; the one in ERROR has none
        Map<String, JsonNode> listed = serverList();
        for (String id : hostOf.keySet()) {
            assertThat(listed.get(id).get("Status").asText()).isEqualTo("ACTIVE");
            assertThat(listed.get(id).get("Host").asText()).isEqualTo(hostOf.get(id));
        }
        assertThat(listed.get(error.get("id").asText()).get("Status").asText()).isEqualTo("ERROR");
        assertThat(cli.openstackJson("server", "group", "show", group).get("members"))
                .extracting(JsonNode::asText).containsAll(hostOf.keySet());

        deleteServersAndGroup(servers, group);
    }

    @Test
    void anAffinityGangOfThreeLandsTogether() {
        String group = newGroup("2.1", "together", "affinity");
        OpenStackCli.Result gang = cli.openstack("--os-compute-api-version", NIC_NONE_VERSION, "server", "create",
                "--flavor", flavor(), "--image", IMAGE, "--nic", "none", "--hint", "group=" + group,
                "--min", "3", "--max", "3", "--wait", "together", "-f", "json");
        gang.assertSuccess();
        List<String> members = awaitMembers(group, 3);
        Map<String, String> hostOf = awaitActive(members);
        assertThat(new HashSet<>(hostOf.values())).hasSize(1);
        assertThat(agentHosts(members)).isEqualTo(hostOf);
        deleteServersAndGroup(members, group);
    }

    @Test
    void maxServerPerHostTwoPutsTwoOnEachHost() {
        JsonNode g = cli.openstackJson("--os-compute-api-version", "2.64", "server", "group", "create",
                "--policy", "anti-affinity", "--rule", "max_server_per_host=2", "pairs");
        String group = g.get("id").asText();
        List<String> servers = new ArrayList<>();
        for (int i = 1; i <= 2 * HOSTS.size(); i++) {
            servers.add(createServer(group, "pair-" + i).get("id").asText());
        }
        Map<String, String> hostOf = awaitActive(servers);
        Map<String, Integer> perHost = new HashMap<>();
        hostOf.values().forEach(h -> perHost.merge(h, 1, Integer::sum));
        assertThat(perHost).containsOnlyKeys(HOST_NAMES).allSatisfy((h, n) -> assertThat(n).isEqualTo(2));
        assertThat(agentHosts(servers)).isEqualTo(hostOf);

        createServerThatFails(group, "pair-7");
        JsonNode error = cli.openstackJson("server", "show", "pair-7");
        assertThat(faultMessage(error)).startsWith("No valid host was found");
        servers.add(error.get("id").asText());
        deleteServersAndGroup(servers, group);
    }

    @Test
    void novaBootsListsShowsAndDeletesAServer() {
        String group = newGroup("2.1", "nova-boot", "anti-affinity");
        Map<String, String> booted = novaRow("boot", "--flavor", flavor(), "--image", IMAGE, "--hint",
                "group=" + group, "--nic", "none", "nova-vm");
        String id = booted.get("id");
        assertThat(id).isNotBlank();
        await("nova-vm ACTIVE").atMost(BOOT).pollInterval(Duration.ofSeconds(1)).until(() -> novaTable("list")
                .stream().anyMatch(r -> r.get("ID").equals(id) && r.get("Status").equals("ACTIVE")));
        Map<String, String> shown = novaRow("show", "nova-vm");
        assertThat(shown).containsEntry("id", id).containsEntry("status", "ACTIVE");
        assertThat(shown.get("OS-EXT-SRV-ATTR:host")).isIn(HOST_NAMES);
        assertThat(agentHosts(List.of(id))).containsEntry(id, shown.get("OS-EXT-SRV-ATTR:host"));

        cli.nova("delete", "nova-vm").assertSuccess();
        await("nova-vm gone").atMost(BOOT).pollInterval(Duration.ofSeconds(1)).until(() -> novaTable("list")
                .stream().noneMatch(r -> r.get("ID").equals(id)));
        await("agents no longer run nova-vm").atMost(BOOT).pollInterval(Duration.ofMillis(200))
                .until(() -> agentHosts(List.of(id)).isEmpty());
        cli.nova("server-group-delete", group).assertSuccess();
    }

    // ---- helpers

    private Map<String, String> novaRow(String... args) {
        List<Map<String, String>> rows = novaTable(args);
        assertThat(rows).as("nova %s", String.join(" ", args)).hasSize(1);
        return rows.get(0);
    }

    private List<Map<String, String>> novaTable(String... args) {
        return OpenStackCli.table(cli.nova(args).assertSuccess().stdout());
    }

    private Map<String, ServerGroup> grpcGroups() {
        Map<String, ServerGroup> out = new HashMap<>();
        cluster.groups.listServerGroups(ListServerGroupsRequest.getDefaultInstance()).getServerGroupsList()
                .forEach(g -> out.put(g.getId(), g));
        return out;
    }

    private String newGroup(String version, String name, String policy) {
        return cli.openstackJson("--os-compute-api-version", version, "server", "group", "create", "--policy", policy,
                name).get("id").asText();
    }

    /** The flavor the servers use, made once through herdctl (the compute API lists flavors, it makes none). */
    private String flavor() {
        if (!flavorMade) {
            // a server with an image needs a root disk: at least 1 GiB
            Commands.Result made = herdctl("flavor", "create", FLAVOR, "--vcpus", "1", "--memory", "64MiB", "--disk",
                    "1GiB");
            assertThat(made.exitCode()).as(made.output()).isZero();
            assertThat(cli.openstackJson("flavor", "list")).anySatisfy(
                    f -> assertThat(f.get("Name").asText()).isEqualTo(FLAVOR));
            assertThat(cli.openstackJson("image", "list")).anySatisfy(
                    i -> assertThat(i.get("Name").asText()).isEqualTo(IMAGE));
            flavorMade = true;
        }
        return FLAVOR;
    }

    private Commands.Result herdctl(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", Attacks.CLI_JAR,
                "--controller", "127.0.0.1:" + cluster.controllerPort));
        command.addAll(List.of(args));
        return Commands.run(command.toArray(String[]::new));
    }

    /** {@code openstack server create --wait}, which must end ACTIVE, as {@code server show} prints it. */
    private JsonNode createServer(String group, String name) {
        return cli.openstackJson("--os-compute-api-version", NIC_NONE_VERSION, "server", "create", "--flavor",
                flavor(), "--image", IMAGE, "--nic", "none", "--hint", "group=" + group, "--wait", name);
    }

    /**
     * {@code openstack server create --wait} of a server that ends in ERROR. The client says so
     * on both streams, but exits 0 (openstackclient 6.0 raises a bare SystemExit).
     */
    private void createServerThatFails(String group, String name) {
        OpenStackCli.Result r = cli.openstack("--os-compute-api-version", NIC_NONE_VERSION, "server", "create",
                "--flavor", flavor(), "--image", IMAGE, "--nic", "none", "--hint", "group=" + group, "--wait", name);
        assertThat(r.stderr()).as(r.toString()).contains("Error creating server: " + name);
        assertThat(r.stdout()).as(r.toString()).contains("Error creating server");
    }

    /** {@code openstack server list --long}: id → row. */
    private Map<String, JsonNode> serverList() {
        Map<String, JsonNode> out = new HashMap<>();
        cli.openstackJson("server", "list", "--long").forEach(row -> out.put(row.get("ID").asText(), row));
        return out;
    }

    private List<String> awaitMembers(String group, int count) {
        List<String> members = new ArrayList<>();
        await(group + " has " + count + " members").atMost(BOOT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            members.clear();
            cli.openstackJson("server", "group", "show", group).get("members").forEach(m -> members.add(m.asText()));
            return members.size() == count;
        });
        return members;
    }

    /** Waits until every server is ACTIVE in {@code server list --long}; returns id → host there. */
    private Map<String, String> awaitActive(List<String> ids) {
        Map<String, String> hostOf = new HashMap<>();
        await(ids + " ACTIVE").atMost(BOOT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Map<String, JsonNode> listed = serverList();
            hostOf.clear();
            for (String id : ids) {
                JsonNode row = listed.get(id);
                if (row == null || !row.get("Status").asText().equals("ACTIVE")) {
                    return false;
                }
                hostOf.put(id, row.get("Host").asText());
            }
            return true;
        });
        return hostOf;
    }

    /** Where the agents themselves run these servers: server id → host name. */
    private Map<String, String> agentHosts(List<String> ids) {
        Map<String, String> out = new HashMap<>();
        cluster.domainsByHost().forEach((host, domains) -> {
            for (AgentServer d : domains) {
                if (ids.contains(d.getServerId())) {
                    out.put(d.getServerId(), host);
                }
            }
        });
        return out;
    }

    /** {@code fault.message} of a server in ERROR, whether the client prints the fault as an object or text. */
    private static String faultMessage(JsonNode server) {
        JsonNode fault = server.get("fault");
        assertThat(fault).as("fault of %s", server).isNotNull();
        return fault.isObject() ? fault.get("message").asText() : fault.asText();
    }

    /** {@code openstack server delete --wait} of every server, then the group; nothing is left on the agents. */
    private void deleteServersAndGroup(List<String> servers, String group) {
        List<String> delete = new ArrayList<>(List.of("server", "delete", "--wait"));
        delete.addAll(servers);
        cli.openstack(delete.toArray(String[]::new)).assertSuccess();
        Map<String, JsonNode> left = serverList();
        assertThat(servers).noneMatch(left::containsKey);
        cli.openstack("server", "group", "delete", group).assertSuccess();
        assertThat(StreamSupport.stream(cli.openstackJson("server", "group", "list").spliterator(), false)
                .map(g -> g.get("ID").asText())).doesNotContain(group);
        await("agents no longer run " + servers).atMost(BOOT).pollInterval(Duration.ofMillis(200))
                .until(() -> agentHosts(servers).isEmpty());
    }
}
