package signup.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA and certificates signed by it, for localhost and 127.0.0.1, written as PEM
 * files: made fresh in each test, so no key is ever committed.
 */
public final class TestCertificates {
  /** The PEM files of one certificate. */
  public record Pem(Path certificate, Path privateKey) {}

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final Path caFile;
  private int serial = 1;

  public TestCertificates(Path dir) {
    try {
      this.dir = dir;
      this.caKeys = keys();
      X500Name name = new X500Name("CN=signup-system test CA");
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
          BigInteger.valueOf(serial++), Date.from(Instant.now().minus(Duration.ofHours(1))),
          Date.from(Instant.now().plus(Duration.ofDays(1))), name, caKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      this.ca = sign(builder, caKeys);
      this.caFile = dir.resolve("ca.pem");
      writePem(caFile, ca);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IllegalStateException("cannot make the test CA", e);
    }
  }

  /** The CA certificate, to trust. */
  public Path ca() {
    return caFile;
  }

  /** A certificate for localhost and 127.0.0.1, signed by the CA, usable by servers and clients. */
  public Pem issue(String name) {
    try {
      KeyPair keys = keys();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          new X500Name("CN=signup-system test CA"), BigInteger.valueOf(serial++),
          Date.from(Instant.now().minus(Duration.ofHours(1))),
          Date.from(Instant.now().plus(Duration.ofDays(1))), new X500Name("CN=" + name),
          keys.getPublic())
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
              new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      Pem pem = new Pem(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
      writePem(pem.certificate(), sign(builder, caKeys));
      writePem(pem.privateKey(), new JcaPKCS8Generator(keys.getPrivate(), null));
      return pem;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue a test certificate", e);
    }
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void writePem(Path file, Object object) {
    try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
