package io.herd.agent.hypervisor;

import org.libvirt.Error;
import org.libvirt.LibvirtException;

/** Reading libvirt's error codes. */
final class LibvirtErrors {

    private LibvirtErrors() {}

    static boolean isNoDomain(LibvirtException e) {
        return code(e) == Error.ErrorNumber.VIR_ERR_NO_DOMAIN;
    }

    static boolean isNoStorageVol(LibvirtException e) {
        return code(e) == Error.ErrorNumber.VIR_ERR_NO_STORAGE_VOL;
    }

    static boolean isNotRunning(LibvirtException e) {
        return code(e) == Error.ErrorNumber.VIR_ERR_OPERATION_INVALID;
    }

    /** True when the error means the connection to libvirtd is gone, not that a call was refused. */
    static boolean isConnectionLost(LibvirtException e) {
        Error.ErrorNumber code = code(e);
        return code == Error.ErrorNumber.VIR_ERR_SYSTEM_ERROR
                || code == Error.ErrorNumber.VIR_ERR_RPC
                || code == Error.ErrorNumber.VIR_ERR_NO_CONNECT
                || code == Error.ErrorNumber.VIR_ERR_INVALID_CONN
                || code == Error.ErrorNumber.VIR_ERR_INTERNAL_ERROR && String.valueOf(e.getMessage()).contains("connection");
    }

    static String message(LibvirtException e) {
        String m = e.getError() != null ? e.getError().getMessage() : e.getMessage();
        return m == null ? e.toString() : m;
    }

    private static Error.ErrorNumber code(LibvirtException e) {
        return e.getError() == null ? null : e.getError().getCode();
    }
}
