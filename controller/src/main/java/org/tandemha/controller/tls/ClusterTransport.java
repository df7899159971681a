package org.tandemha.controller.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandemha.controller.InsecureFlag;
import org.tandemha.controller.NodeConfig;

/**
 * {@code tandem.cluster.transport}: the Artery transport a node or witness talks to its peers on. {@code tls} (the
 * default) is mutual TLS 1.3: this node presents the certificate the pool CA issued it and accepts only peers that
 * present one of the same CA, so a machine without one can neither join nor send. {@code insecure} is plain TCP,
 * flagged in every log line and in {@code tandem status}. Every file is checked before the node starts.
 */
public final class ClusterTransport {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterTransport.class);
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);
  static final String HOW = "make them with `tandem tls issue HOST` where the pool CA is and copy them here "
      + "(README, \"Certificates\"), or set tandem.cluster.transport = insecure";

  private ClusterTransport() {}

  /** Whether this configuration asks for plain TCP between nodes. */
  public static boolean insecure(Config all) {
    return all.getString("tandem.cluster.transport").trim().equals("insecure");
  }

  /** {@code all} with Artery's transport as {@code tandem.cluster.transport} asks; refused with the reason if not usable. */
  public static Config apply(Config all, Instant now) {
    String transport = all.getString("tandem.cluster.transport").trim();
    if (transport.equals("insecure")) {
      InsecureFlag.set(true);
      LOG.warn("INSECURE: tandem.cluster.transport = insecure: node-to-node traffic is plain TCP; anyone on the "
          + "management network can join this cluster or forge its messages (tandem tls init; README, \"Certificates\")");
      return all.withValue("akka.remote.artery.transport", ConfigValueFactory.fromAnyRef("tcp"));
    }
    if (!transport.equals("tls")) {
      throw new NodeConfig.Invalid("tandem.cluster.transport must be tls or insecure, got \"" + transport + "\"");
    }
    InsecureFlag.set(false);
    Path keyStore = file(all, "key-store");
    Path trustStore = file(all, "trust-store");
    String password = NodeConfig.secret("tandem.cluster.tls.password-file",
        Path.of(all.getString("tandem.cluster.tls.password-file")));
    NodeConfig.privateFile("tandem.cluster.tls.key-store", keyStore);
    X509Certificate own = own(keyStore, password, now);
    trusted(trustStore, password);
    Map<String, Object> engine = Map.of(
        "key-store", keyStore.toString(), "key-store-password", password, "key-password", password,
        "trust-store", trustStore.toString(), "trust-store-password", password,
        "protocol", "TLSv1.3", "enabled-algorithms", List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"),
        "require-mutual-authentication", "on", "hostname-verification", "off");
    LOG.info("cluster transport: mutual TLS 1.3, this node's certificate {} (issued by {}, valid until {})",
        own.getSubjectX500Principal().getName(), own.getIssuerX500Principal().getName(), own.getNotAfter().toInstant());
    return ConfigFactory.parseMap(Map.of("akka.remote.artery.transport", "tls-tcp",
            "akka.remote.artery.ssl.config-ssl-engine", engine))
        .withFallback(all);
  }

  private static Path file(Config all, String key) {
    Path p = Path.of(all.getString("tandem.cluster.tls." + key));
    if (!Files.isRegularFile(p)) {
      throw new NodeConfig.Invalid("tandem.cluster.tls." + key + ": " + p + " does not exist: " + HOW);
    }
    return p;
  }

  /** This node's certificate: present, and valid now (a node with an expired one would be refused by every peer). */
  private static X509Certificate own(Path store, String password, Instant now) {
    KeyStore ks = load(store, password, "tandem.cluster.tls.key-store");
    try {
      for (String alias : Collections.list(ks.aliases())) {
        if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate c) {
          try {
            c.checkValidity(java.util.Date.from(now));
          } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new NodeConfig.Invalid("tandem.cluster.tls.key-store: " + store + ": this node's certificate is "
                + "valid from " + c.getNotBefore().toInstant() + " until " + c.getNotAfter().toInstant()
                + ", not now (" + now + "): issue a new one with `tandem tls issue HOST`");
          }
          if (c.getNotAfter().toInstant().isBefore(now.plus(EXPIRY_WARNING))) {
            LOG.warn("cluster transport: this node's certificate expires {}: issue a new one (tandem tls issue HOST) "
                + "before then, or peers will refuse it", c.getNotAfter().toInstant());
          }
          return c;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new NodeConfig.Invalid("tandem.cluster.tls.key-store: " + store + ": " + e.getMessage(), e);
    }
    throw new NodeConfig.Invalid("tandem.cluster.tls.key-store: " + store + " holds no key: " + HOW);
  }

  private static void trusted(Path store, String password) {
    KeyStore ks = load(store, password, "tandem.cluster.tls.trust-store");
    try {
      if (Collections.list(ks.aliases()).stream().noneMatch(a -> isCertificate(ks, a))) {
        throw new NodeConfig.Invalid("tandem.cluster.tls.trust-store: " + store + " trusts no certificate: " + HOW);
      }
    } catch (GeneralSecurityException e) {
      throw new NodeConfig.Invalid("tandem.cluster.tls.trust-store: " + store + ": " + e.getMessage(), e);
    }
  }

  private static boolean isCertificate(KeyStore ks, String alias) {
    try {
      return ks.isCertificateEntry(alias);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static KeyStore load(Path store, String password, String key) {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password.toCharArray());
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new NodeConfig.Invalid(key + ": " + store + " cannot be opened with the password of "
          + "tandem.cluster.tls.password-file (" + e.getMessage() + "): both come from one `tandem tls issue`");
    }
  }
}
