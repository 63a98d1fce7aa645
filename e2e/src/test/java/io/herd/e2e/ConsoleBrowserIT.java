package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.ServerGroup;
import io.herd.runtime.testing.Ports;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * The web console in headless Chromium against a real controller and three test-driver agents:
 * an anti-affinity group created in the page, servers created into it landing one per host in
 * the topology view, the next one refused with herd's reason, a host going down and coming back
 * while the page watches, and everything deleted from the page.
 *
 * <p>With {@code -Dherd.console.screenshot=PATH} the topology view, with three groups and the
 * anti-affinity group highlighted, is saved there as PNG (the README's picture).
 */
class ConsoleBrowserIT {

    static final List<Cluster.HostShape> HOSTS = List.of(
            new Cluster.HostShape("host1", 8, 16_384, "r1", "z1"),
            new Cluster.HostShape("host2", 8, 16_384, "r2", "z1"),
            new Cluster.HostShape("host3", 8, 16_384, "r3", "z2"));

    @TempDir
    Path dir;
    Cluster cluster;
    Browser browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void antiAffinityGroupFromCreateToDeleteInTheBrowser() throws Exception {
        int http = Ports.free();
        cluster = new Cluster(dir, "--nova-api-listen", "127.0.0.1:" + http);
        cluster.startTestAgents(HOSTS);
        browser = new Browser(1280, 900);
        browser.open("http://127.0.0.1:" + http + "/console/");
        browser.await("the first render", d -> "true".equals(d.findElement(By.tagName("body"))
                .getDomAttribute("data-rendered")));
        browser.await("three hosts up in the topology", d ->
                d.findElements(By.cssSelector("article.host[data-state='up']")).size() == 3);

        // a group: the API's refusal is shown at its field, then it is created
        browser.find(By.id("nav-groups")).click();
        browser.type("gf-name", "");
        browser.find(By.cssSelector("#group-form button[type=submit]")).click();
        assertThat(browser.awaitText(By.id("gf-name-error"), "name:")).contains("name: ");
        browser.await("the name field marked invalid (aria-invalid=true)",
                d -> "true".equals(d.findElement(By.id("gf-name")).getDomAttribute("aria-invalid")));
        browser.type("gf-name", "web");
        browser.choose("gf-policy", "anti-affinity");
        browser.choose("gf-scope", "host");
        browser.type("gf-max_per_domain", "1");
        browser.find(By.cssSelector("#group-form button[type=submit]")).click();
        browser.awaitText(By.cssSelector("#group-table tr[data-name='web']"), "anti-affinity");

        // three servers into it, followed to ACTIVE
        browser.find(By.id("nav-servers")).click();
        createServers("web", "web", 3);
        for (String name : List.of("web-1", "web-2", "web-3")) {
            browser.await(name + " ACTIVE", d -> !d.findElements(
                    By.cssSelector("#follow li[data-name='" + name + "'][data-status='ACTIVE']")).isEmpty());
        }

        // each on a different host in the topology, the domain counts at the maximum
        browser.find(By.id("nav-topology")).click();
        browser.choose("highlight", "web");
        // read in one pass of the page, again if the view redraws meanwhile, once all three show
        Map<String, Integer> highlighted = browser.await("the three members highlighted", d -> {
            Map<String, Integer> byHost = new HashMap<>();
            for (WebElement host : d.findElements(By.cssSelector("article.host"))) {
                byHost.put(host.getDomAttribute("data-name"), host.findElements(By.cssSelector("li.srv.hl")).size());
            }
            return byHost.values().stream().mapToInt(Integer::intValue).sum() == 3 ? byHost : null;
        });
        assertThat(highlighted).isEqualTo(Map.of("host1", 1, "host2", 1, "host3", 1));
        List<String> counts = browser.await("the domain counts", d -> {
            List<String> texts = d.findElements(By.cssSelector("#domain-counts li")).stream()
                    .map(WebElement::getText).toList();
            return texts.size() == 3 ? texts : null;
        });
        assertThat(counts).containsExactlyInAnyOrder("host1: 1 / 1", "host2: 1 / 1", "host3: 1 / 1");

        moreGroupsForThePicture();
        String screenshot = System.getProperty("herd.console.screenshot", "");
        if (!screenshot.isEmpty()) {
            browser.screenshot(Path.of(screenshot));
        }

        // on a phone's width every view fits, without scrolling sideways
        browser.driver.manage().window().setSize(new Dimension(375, 800));
        for (String view : List.of("nav-topology", "nav-groups", "nav-servers")) {
            browser.find(By.id(view)).click();
            browser.await(view + " within 375 px", d -> (Boolean) browser.script(
                    "return document.documentElement.scrollWidth <= window.innerWidth;"));
        }
        browser.driver.manage().window().setSize(new Dimension(1280, 900));

        // the next one is refused, with herd's explanation
        browser.find(By.id("nav-servers")).click();
        createServers("web-4", "web", 1);
        String refusal = browser.awaitText(By.id("sf-error"), "no valid host");
        assertThat(refusal).contains("anti-affinity").contains("3 hosts");

        // a host goes down and comes back while the page watches
        browser.find(By.id("nav-topology")).click();
        cluster.agents.get("host3").kill9();
        browser.await("host3 down in the topology", d -> !d.findElements(
                By.cssSelector("article.host[data-name='host3'][data-state='down']")).isEmpty());
        browser.awaitText(By.id("announcer"), "host host3 is down");
        cluster.restartAgent("host3");
        browser.await("host3 up again", d -> !d.findElements(
                By.cssSelector("article.host[data-name='host3'][data-state='up']")).isEmpty());

        // everything deleted from the page
        browser.find(By.id("nav-servers")).click();
        for (String name : List.of("web-1", "web-2", "web-3", "db-1", "db-2", "cache-1", "cache-2")) {
            browser.delete("server", name);
        }
        browser.awaitText(By.id("server-summary"), "0 servers");
        browser.find(By.id("nav-groups")).click();
        for (String name : List.of("web", "db", "cache")) {
            browser.delete("group", name);
        }
        browser.awaitText(By.cssSelector("#group-table tbody"), "No server groups.");
        assertThat(cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList()).isEmpty();
        assertThat(cluster.groups.listServerGroups(ListServerGroupsRequest.getDefaultInstance())
                .getServerGroupsList()).isEmpty();
        browser.await("no server chips left", d -> d.findElements(By.cssSelector("li.srv")).isEmpty());
    }

    private void createServers(String name, String group, int count) {
        browser.type("sf-name", name);
        browser.choose("sf-group_id", group);
        browser.type("sf-vcpus", "1");
        browser.type("sf-memory_mib", "64");
        browser.type("sf-count", Integer.toString(count));
        browser.find(By.cssSelector("#server-form button[type=submit]")).click();
    }

    /** An affinity and a soft anti-affinity group of two each, made through gRPC, shown live. */
    private void moreGroupsForThePicture() {
        for (var g : List.of(List.of("db", Policy.AFFINITY), List.of("cache", Policy.SOFT_ANTI_AFFINITY))) {
            ServerGroup created = cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder()
                    .setName((String) g.get(0)).setPolicy((Policy) g.get(1)).build());
            cluster.servers.createServers(CreateServersRequest.newBuilder().setName(created.getName()).setVcpus(2)
                    .setMemoryMib(2048).setGroupId(created.getId()).setCount(2).build());
        }
        browser.await("seven servers ACTIVE in the topology", d ->
                d.findElements(By.cssSelector("li.srv[data-status='ACTIVE']")).size() == 7);
        // groups and host capacity come with the stream's next look at them (once a second)
        browser.awaitText(By.id("topology-summary"), "3 groups");
        browser.await("the hosts' vCPU bars to count every server", d -> d.findElements(By.cssSelector(
                "article.host .cap:first-of-type .num")).stream().mapToInt(e -> Integer.parseInt(
                e.getText().split("/")[0])).sum() == 3 + 2 * 4);
    }
}
