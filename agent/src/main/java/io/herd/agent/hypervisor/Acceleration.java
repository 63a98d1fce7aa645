package io.herd.agent.hypervisor;

/** How domains on this host run. */
public enum Acceleration {
    /** Hardware virtualisation through /dev/kvm. */
    KVM,
    /** QEMU software emulation. */
    TCG,
    /** libvirt's test driver: nothing really runs. */
    TEST,
    /** Not known (libvirt unreachable). */
    UNKNOWN
}
