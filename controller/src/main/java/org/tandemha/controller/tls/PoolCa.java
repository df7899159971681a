package org.tandemha.controller.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The pool's certificate authority for node-to-node TLS: a CA whose key stays where {@code tandem tls init} ran, and
 * node certificates it signs ({@code tandem tls issue HOST}). EC P-256 keys, SHA-256 ECDSA signatures; every file
 * it writes is created with mode 0600 (directories 0700) before a byte goes in.
 */
public final class PoolCa {
  public static final String CA_STORE = "pool-ca.p12";
  public static final String CA_PASSWORD = "ca.pass";
  public static final String NODE_STORE = "node.p12";
  public static final String TRUST_STORE = "trust.p12";
  public static final String STORE_PASSWORD = "keystore.pass";
  static final String CA_ALIAS = "pool-ca";
  static final String NODE_ALIAS = "node";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A key and its certificate. */
  public record Signed(PrivateKey key, X509Certificate certificate) {}

  private PoolCa() {}

  /** A new self-signed CA named after the pool. */
  public static Signed newCa(String name, Instant notBefore, Instant notAfter) {
    KeyPair pair = keyPair();
    X500Name subject = name("Tandem pool CA " + name);
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore),
          Date.from(notAfter), subject, pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new Signed(pair.getPrivate(), sign(b, pair.getPrivate()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the pool CA: " + e, e);
    }
  }

  /** A node's key and certificate, signed by the CA: for both ends of a connection (server and client auth). */
  public static Signed issue(Signed ca, String host, List<String> addresses, Instant notBefore, Instant notAfter) {
    KeyPair pair = keyPair();
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), Date.from(notBefore),
          Date.from(notAfter), name(host), pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.dNSName, host));
      for (String a : addresses) names.add(new GeneralName(GeneralName.iPAddress, a));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
      return new Signed(pair.getPrivate(), sign(b, ca.key()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate for " + host + ": " + e, e);
    }
  }

  /** A random password for key stores: 32 URL-safe characters. */
  public static String newPassword() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The key and certificate of a CA store written by {@link #writeStore}. */
  public static Signed readCa(Path store, String password) throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      ks.load(in, password.toCharArray());
    }
    if (!(ks.getKey(CA_ALIAS, password.toCharArray()) instanceof PrivateKey key)) {
      throw new GeneralSecurityException(store + " holds no pool CA key (alias " + CA_ALIAS + ")");
    }
    return new Signed(key, (X509Certificate) ks.getCertificate(CA_ALIAS));
  }

  /** A new 0600 PKCS12 file (never replacing one) with a key and its chain: its certificate, then those above. */
  public static void writeKeyStore(Path file, String password, Signed signed, X509Certificate... above)
      throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    Certificate[] chain = new Certificate[1 + above.length];
    chain[0] = signed.certificate();
    System.arraycopy(above, 0, chain, 1, above.length);
    ks.setKeyEntry(above.length == 0 ? CA_ALIAS : NODE_ALIAS, signed.key(), password.toCharArray(), chain);
    store(ks, file, password);
  }

  /** A new 0600 PKCS12 file trusting only the pool CA. */
  public static void writeTrustStore(Path file, String password, X509Certificate ca)
      throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry(CA_ALIAS, ca);
    store(ks, file, password);
  }

  private static void store(KeyStore ks, Path file, String password) throws GeneralSecurityException, IOException {
    try (OutputStream o = newPrivateFile(file)) {
      ks.store(o, password.toCharArray());
    }
  }

  /**
   * What a host needs for its node (or witness) to join: {@code out} (0700) gets {@value #NODE_STORE} (its key and
   * certificate with the CA's), {@value #TRUST_STORE} (the CA) and {@value #STORE_PASSWORD} (a new random password).
   */
  public static X509Certificate writeBundle(Signed ca, String host, List<String> addresses, Instant notBefore,
                                            Instant notAfter, Path out) throws GeneralSecurityException, IOException {
    // Written aside and moved in whole: a failure halfway leaves no partial bundle to be refused as "issued".
    privateDirectory(out);
    Path aside = Files.createTempDirectory(out, ".issuing-");
    try {
      String password = newPassword();
      Signed node = issue(ca, host, addresses, notBefore, notAfter);
      writeKeyStore(aside.resolve(NODE_STORE), password, node, ca.certificate());
      writeTrustStore(aside.resolve(TRUST_STORE), password, ca.certificate());
      writeSecret(aside.resolve(STORE_PASSWORD), password);
      for (String f : List.of(NODE_STORE, TRUST_STORE, STORE_PASSWORD)) {
        Files.move(aside.resolve(f), out.resolve(f), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return node.certificate();
    } finally {
      try (var left = Files.list(aside)) {
        for (Path p : left.toList()) Files.deleteIfExists(p);
      }
      Files.deleteIfExists(aside);
    }
  }

  /** A text file of mode 0600 (the password files). */
  public static void writeSecret(Path file, String secret) throws IOException {
    try (OutputStream o = newPrivateFile(file)) {
      o.write((secret + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
  }

  /** A directory of mode 0700, made if missing (its mode set either way). */
  public static void privateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  private static OutputStream newPrivateFile(Path file) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey by)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(by)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key generator in this Java runtime (module jdk.crypto.ec)", e);
    }
  }

  private static X500Name name(String cn) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Tandem").addRDN(BCStyle.CN, cn).build();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).abs().add(BigInteger.ONE);
  }

}
