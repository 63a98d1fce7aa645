package io.herd.agent.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** The contract on libvirt's test driver (in-process, shared by every connection of this JVM). */
class TestDriverContractTest extends HypervisorContractTest {

    private static final String URI = "test:///default";

    @TempDir
    static Path dir;

    @BeforeAll
    static void connect() throws Exception {
        hypervisor = open(URI, dir);
        assertThat(hypervisor.hostFacts().acceleration()).isEqualTo(Acceleration.TEST);
    }

    @Override
    String uri() {
        return URI;
    }

    @Override
    String stateOutside(String domainName) {
        try {
            Connect conn = new Connect(URI);
            try {
                Domain d = conn.domainLookupByName(domainName);
                try {
                    return d.isActive() != 0 ? "running" : "shut off";
                } finally {
                    d.free();
                }
            } catch (LibvirtException e) {
                return "";
            } finally {
                conn.close();
            }
        } catch (LibvirtException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    void forceRemove(String domainName) {
        try {
            Connect conn = new Connect(URI);
            try {
                Domain d = conn.domainLookupByName(domainName);
                try {
                    if (d.isActive() != 0) {
                        d.destroy();
                    }
                    d.undefine();
                } finally {
                    d.free();
                }
            } catch (LibvirtException e) {
                // already gone
            } finally {
                conn.close();
            }
        } catch (LibvirtException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    boolean canMakeStartFail() {
        return false;
    }

    static UUID unused() {
        return UUID.randomUUID();
    }
}
