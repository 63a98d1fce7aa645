package io.herd.runtime.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Reads a herd identity out of an X.509 certificate: CN, role (OU) and addresses (SANs). */
public final class Certificates {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private Certificates() {
    }

    public static Identity identity(X509Certificate cert) {
        String cn = "";
        Optional<Role> role = Optional.empty();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                String type = rdn.getType();
                String value = String.valueOf(rdn.getValue());
                if (type.equalsIgnoreCase("CN")) {
                    cn = value;
                } else if (type.equalsIgnoreCase("OU") && role.isEmpty()) {
                    role = Role.parse(value);
                }
            }
        } catch (InvalidNameException e) {
            // a subject the JDK parsed but LDAP names cannot: no CN, no role
        }
        return new Identity(cn, role, Identity.Via.CERTIFICATE, addresses(cert));
    }

    private static List<String> addresses(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return out;
            }
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                if ((type == SAN_DNS || type == SAN_IP) && san.get(1) instanceof String s) {
                    out.add(s);
                }
            }
        } catch (CertificateParsingException e) {
            // no readable SANs: the certificate is valid for no address
        }
        return out;
    }
}
