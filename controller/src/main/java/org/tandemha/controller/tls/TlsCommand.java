package org.tandemha.controller.tls;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.tandemha.controller.NodeConfig;

/**
 * {@code tandem tls init} makes the pool's CA; {@code tandem tls issue HOST} a node's (or witness's) certificate
 * signed by it, with the trust store and a password, for that machine's /etc/tandem/tls. Nothing is replaced: a CA
 * or a host's files that exist are left as they are and the verb fails, saying so.
 */
public final class TlsCommand {
  static final String USAGE = """
      usage: tandem tls init [--dir DIR] [--days N] [--pool NAME]
             tandem tls issue HOST [--address IP]... [--dir DIR] [--days N] [--out DIR]
        init   makes the pool CA in DIR (default /etc/tandem/tls): pool-ca.p12 and ca.pass, mode 0600. Run it once,
               on one host or on the witness; keep DIR; every node's certificate is issued there
        issue  a certificate for HOST (a pool host's or the witness's name, also its DNS name in the certificate;
               --address adds its IP) signed by the pool CA, in OUT (default DIR/HOST): node.p12, trust.p12 and
               keystore.pass, mode 0600. Copy the three to HOST's /etc/tandem/tls/ (scp -p, then chmod 600)
        --days N   validity: 3650 for the CA, 1095 for a host (a node warns 30 days before its own expires)
      exit: 0 done, 1 failed (e.g. the files exist already), 2 bad usage""";
  static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,61}[A-Za-z0-9])?");
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");

  private TlsCommand() {}

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, out, err, Instant::now);
  }

  static int run(List<String> args, PrintStream out, PrintStream err, Supplier<Instant> clock) {
    if (args.isEmpty() || args.contains("--help")) {
      (args.isEmpty() ? err : out).println(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    String verb = args.get(0);
    if (!verb.equals("init") && !verb.equals("issue")) return usage(err, "unknown verb \"" + verb + "\"");
    Path dir = Path.of("/etc/tandem/tls");
    Path outDir = null;
    String pool = "pool";
    Integer days = null;
    String host = null;
    List<String> addresses = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      boolean valued = List.of("--dir", "--days", "--pool", "--address", "--out").contains(a);
      if (valued && i + 1 >= args.size()) return usage(err, a + " needs a value");
      switch (a) {
        case "--dir" -> dir = Path.of(args.get(++i));
        case "--out" -> outDir = Path.of(args.get(++i));
        case "--pool" -> pool = args.get(++i);
        case "--days" -> {
          String v = args.get(++i);
          if (!v.matches("[0-9]{1,5}") || Integer.parseInt(v) < 1) {
            return usage(err, "--days must be a whole number of days from 1 to 99999, not \"" + v + "\"");
          }
          days = Integer.parseInt(v);
        }
        case "--address" -> {
          String v = args.get(++i);
          if (!isIp(v)) return usage(err, "--address must be an IP address, not \"" + v + "\"");
          addresses.add(v);
        }
        default -> {
          if (a.startsWith("-") || !verb.equals("issue") || host != null) return usage(err, "unexpected argument \"" + a + "\"");
          if (!HOST.matcher(a).matches()) {
            return usage(err, "HOST must be a host name (letters, digits, '.', '-'), not \"" + a + "\"");
          }
          host = a;
        }
      }
    }
    if (verb.equals("init")) {
      if (!addresses.isEmpty() || outDir != null) return usage(err, "init takes no --address or --out");
      return init(dir, pool, days == null ? 3650 : days, clock.get(), out, err);
    }
    if (host == null) return usage(err, "issue needs the HOST its certificate is for");
    return issue(dir, host, addresses, outDir == null ? dir.resolve(host) : outDir, days == null ? 1095 : days,
        clock.get(), out, err);
  }

  private static int init(Path dir, String pool, int days, Instant now, PrintStream out, PrintStream err) {
    Path store = dir.resolve(PoolCa.CA_STORE);
    if (Files.exists(store) || Files.exists(dir.resolve(PoolCa.CA_PASSWORD))) {
      err.println("tandem tls init: " + store + " exists: this pool has a CA, left as it is (issue certificates "
          + "with it; to start over, move " + dir + " away: every node then needs a new certificate)");
      return 1;
    }
    try {
      PoolCa.privateDirectory(dir);
      PoolCa.Signed ca = PoolCa.newCa(pool, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(days)));
      String password = PoolCa.newPassword();
      PoolCa.writeSecret(dir.resolve(PoolCa.CA_PASSWORD), password);
      PoolCa.writeKeyStore(store, password, ca);
      out.printf("tandem tls: made the pool CA \"%s\", valid until %s%n  %s and %s (mode 0600) in %s: keep them "
              + "there and private; issue each host's certificate here: tandem tls issue HOST --address IP%n",
          ca.certificate().getSubjectX500Principal().getName(), ca.certificate().getNotAfter().toInstant(),
          PoolCa.CA_STORE, PoolCa.CA_PASSWORD, dir);
      return 0;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      err.println("tandem tls init: cannot make the CA in " + dir + ": " + e.getMessage());
      return 1;
    }
  }

  private static int issue(Path dir, String host, List<String> addresses, Path out, int days, Instant now,
                           PrintStream stdout, PrintStream err) {
    Path store = dir.resolve(PoolCa.CA_STORE);
    if (!Files.exists(store)) {
      err.println("tandem tls issue: no pool CA in " + dir + " (tandem tls init makes it, once per pool)");
      return 1;
    }
    if (Files.exists(out.resolve(PoolCa.NODE_STORE)) || Files.exists(out.resolve(PoolCa.STORE_PASSWORD))) {
      err.println("tandem tls issue: " + out + " holds " + host + "'s certificate already, left as it is (to issue a "
          + "new one, move " + out + " away first)");
      return 1;
    }
    try {
      String password = NodeConfig.secret("tls ca.pass", dir.resolve(PoolCa.CA_PASSWORD));
      NodeConfig.privateFile("tls pool-ca.p12", store);
      PoolCa.Signed ca = PoolCa.readCa(store, password);
      Instant until = now.plus(Duration.ofDays(days));
      if (until.isAfter(ca.certificate().getNotAfter().toInstant())) until = ca.certificate().getNotAfter().toInstant();
      X509Certificate cert = PoolCa.writeBundle(ca, host, addresses, now.minus(Duration.ofMinutes(5)), until, out);
      stdout.printf("tandem tls: issued %s's certificate (%s%s), valid until %s, signed by \"%s\"%n"
              + "  %s: %s, %s, %s (mode 0600)%n"
              + "  on %s: install -d -m 0700 /etc/tandem/tls, copy the three files there (scp -p), chmod 600 them%n",
          host, cert.getSubjectX500Principal().getName(), addresses.isEmpty() ? "" : ", IP " + String.join(", ", addresses),
          cert.getNotAfter().toInstant(), ca.certificate().getSubjectX500Principal().getName(), out,
          PoolCa.NODE_STORE, PoolCa.TRUST_STORE, PoolCa.STORE_PASSWORD, host);
      return 0;
    } catch (NodeConfig.Invalid e) {
      err.println("tandem tls issue: " + e.getMessage());
      return 1;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      err.println("tandem tls issue: cannot issue " + host + "'s certificate from " + store + ": " + e.getMessage());
      return 1;
    }
  }

  /** An IPv4 address in dotted decimal, or an IPv6 literal (parsed without any name lookup: it holds a ':'). */
  static boolean isIp(String v) {
    if (IPV4.matcher(v).matches()) return true;
    if (!v.contains(":") || !v.matches("[0-9A-Fa-f:.]+")) return false;
    try {
      return java.net.InetAddress.getByName(v) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static int usage(PrintStream err, String why) {
    err.println("tandem tls: " + why);
    err.println(USAGE);
    return 2;
  }
}
