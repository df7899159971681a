package org.tandemha.controller.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node-to-node mutual TLS on real Artery tls-tcp connections (loopback 127.0.0.121): two nodes with certificates
 * of the pool CA form a cluster; a node with a certificate of another CA, with an expired one, or with none
 * (plain TCP) is refused: it never becomes a member. The second node is a version later (Akka's app-version, as in
 * a rolling upgrade) and joins all the same.
 */
class TlsClusterTest {
  static final String ADDRESS = "127.0.0.121";
  static final String SYSTEM = "tandem";
  @TempDir static Path dir;
  static final List<ActorSystem<?>> systems = new ArrayList<>();

  @AfterAll
  static void stop() {
    systems.forEach(ActorSystem::terminate);
    systems.forEach(s -> s.getWhenTerminated().toCompletableFuture().join());
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
      return s.getLocalPort();
    }
  }

  static ActorSystem<?> node(int port, int seedPort, String transport, Path tls, Instant now) {
    return node(port, seedPort, transport, tls, now, "0.1.0");
  }

  static ActorSystem<?> node(int port, int seedPort, String transport, Path tls, Instant now, String version) {
    Config c = ConfigFactory.parseString(String.format("""
            akka.cluster.app-version = "%s"
            akka.remote.artery.canonical.hostname = "%s"
            akka.remote.artery.canonical.port = %d
            akka.cluster.seed-nodes = ["akka://%s@%s:%d"]
            akka.loglevel = WARNING
            tandem.cluster.transport = %s
            tandem.cluster.tls.dir = "%s"
            """, version, ADDRESS, port, SYSTEM, ADDRESS, seedPort, transport, tls))
        .withFallback(ConfigFactory.defaultApplication()).withFallback(ConfigFactory.defaultReference()).resolve();
    ActorSystem<?> s = ActorSystem.create(Behaviors.empty(), SYSTEM, ClusterTransport.apply(c, now));
    systems.add(s);
    return s;
  }

  static Set<Integer> upPorts(ActorSystem<?> s) {
    return StreamSupport.stream(Cluster.get(s).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up()).map(Member::address)
        .map(a -> (Integer) a.port().get()).collect(Collectors.toSet());
  }

  static boolean await(Duration limit, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) return true;
      Thread.sleep(100);
    }
    return condition.getAsBoolean();
  }

  @Test
  void theCaCertifiedFormTheClusterAndNoOtherIsLetIn() throws Exception {
    Instant now = Instant.now();
    PoolCa.Signed pool = PoolCa.newCa("pool", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    PoolCa.Signed other = PoolCa.newCa("pool", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    Instant valid = now.minus(Duration.ofMinutes(5));
    Instant until = now.plus(Duration.ofDays(1));
    PoolCa.writeBundle(pool, "xa", List.of(ADDRESS), valid, until, dir.resolve("xa"));
    PoolCa.writeBundle(pool, "xb", List.of(ADDRESS), valid, until, dir.resolve("xb"));
    PoolCa.writeBundle(other, "xa", List.of(ADDRESS), valid, until, dir.resolve("impostor"));
    Instant lapsedFrom = now.minus(Duration.ofDays(10));
    Instant lapsedUntil = now.minus(Duration.ofDays(1));
    PoolCa.writeBundle(pool, "xc", List.of(ADDRESS), lapsedFrom, lapsedUntil, dir.resolve("expired"));

    int a = freePort();
    int b = freePort();
    ActorSystem<?> xa = node(a, a, "tls", dir.resolve("xa"), now);
    // xb is a version later (a rolling upgrade): it joins all the same, and every member carries its version.
    node(b, a, "tls", dir.resolve("xb"), now, "0.2.0");
    assertTrue(await(Duration.ofSeconds(30), () -> upPorts(xa).equals(Set.of(a, b))),
        "two nodes of the pool CA form a cluster over mutual TLS: " + upPorts(xa));
    Set<String> versions = StreamSupport.stream(Cluster.get(xa).state().getMembers().spliterator(), false)
        .map(m -> m.address().port().get() + "=" + m.appVersion()).collect(Collectors.toSet());
    assertEquals(Set.of(a + "=0.1.0", b + "=0.2.0"), versions);

    int c = freePort();
    int d = freePort();
    int e = freePort();
    ActorSystem<?> impostor = node(c, a, "tls", dir.resolve("impostor"), now);
    // Started as if its clock still were in its certificate's time: the pool's nodes check theirs.
    ActorSystem<?> expired = node(d, a, "tls", dir.resolve("expired"), lapsedFrom.plus(Duration.ofDays(1)));
    ActorSystem<?> plain = node(e, a, "insecure", dir.resolve("none"), now);
    org.tandemha.controller.InsecureFlag.set(false);
    await(Duration.ofSeconds(10), () -> upPorts(xa).size() > 2);
    assertEquals(Set.of(a, b), upPorts(xa), "another CA's, an expired or no certificate: never a member");
    for (ActorSystem<?> refused : List.of(impostor, expired, plain)) {
      assertTrue(!upPorts(refused).contains(a), "the refused node never saw the pool's members");
    }
  }
}
