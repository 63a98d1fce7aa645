package io.herd.agent.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.agent.testing.Virsh;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The contract on real QEMU through libvirtd (tiny domains: 64 MiB, 1 vCPU, always removed). */
class QemuContractTest extends HypervisorContractTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void connect() throws Exception {
        hypervisor = open(Virsh.QEMU, dir);
        assertThat(hypervisor.hostFacts().acceleration()).isIn(Acceleration.KVM, Acceleration.TCG);
    }

    @Override
    String uri() {
        return Virsh.QEMU;
    }

    @Override
    String stateOutside(String domainName) {
        return Virsh.domState(Virsh.QEMU, domainName);
    }

    @Override
    void forceRemove(String domainName) {
        Virsh.forceRemove(Virsh.QEMU, domainName);
    }

    @Override
    boolean canMakeStartFail() {
        return true;
    }

    @Override
    String domainType() {
        return "qemu";
    }
}
