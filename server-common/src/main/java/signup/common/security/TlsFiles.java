package signup.common.security;

import java.nio.file.Path;

/**
 * PEM files for TLS.
 *
 * @param certificate this server's certificate chain; also its client certificate when mutual
 * @param privateKey its private key (PKCS#8 PEM)
 * @param trustedCa CAs trusted for the peers' certificates; null trusts the JVM's default CAs
 * @param mutual when true, every server requires a client certificate signed by {@code trustedCa}
 *     and presents its own certificate on its outgoing internal calls
 */
public record TlsFiles(Path certificate, Path privateKey, Path trustedCa, boolean mutual) {
  public TlsFiles {
    if (mutual && trustedCa == null) {
      throw new IllegalArgumentException("mutual TLS needs --tls-ca to check the peers' "
          + "certificates");
    }
  }
}
