package org.tandemha.controller;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import org.tandemha.actors.NodeGuardian;
import org.tandemha.actors.QuorumActor;
import org.tandemha.actors.WitnessGuardian;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.FencePort;
import org.tandemha.actors.port.LocalDomains;
import org.tandemha.actors.port.NetPort;
import org.tandemha.actors.port.SelfFence;
import org.tandemha.actors.port.ServiceManager;
import org.tandemha.actors.port.StorageRole;
import org.tandemha.controller.host.SystemdNotify;
import org.tandemha.controller.host.XlLocalDomains;
import org.tandemha.controller.net.InetNet;
import org.tandemha.controller.tls.ClusterTransport;
import org.tandemha.controller.xapi.SdkXapiAdapter;

/** Starts one Tandem node: an ActorSystem named "tandem" in the cluster, with the node's guardian. */
public final class TandemNode {
  public static final String SYSTEM_NAME = "tandem";

  private TandemNode() {}

  /** Starts with the real XAPI adapter and network checks; fence device and self-fence are the caller's. */
  public static ActorSystem<NodeGuardian.Command> start(NodeConfig config, FencePort fence, SelfFence selfFence) {
    return start(config, fence, selfFence, new InetNet(), new XlLocalDomains());
  }

  /** As above, with the network checks and the local hypervisor given (the simulated pool's). */
  public static ActorSystem<NodeGuardian.Command> start(NodeConfig config, FencePort fence, SelfFence selfFence,
                                                        NetPort net, LocalDomains domains) {
    return start(config, fence, selfFence, net, domains,
        org.tandemha.controller.storage.StorageConfig.read(config.raw()));
  }

  /** As above, with this host's replicated storage (or none). */
  public static ActorSystem<NodeGuardian.Command> start(NodeConfig config, FencePort fence, SelfFence selfFence,
                                                        NetPort net, LocalDomains domains,
                                                        java.util.Optional<NodeGuardian.Replicated> storage) {
    return start(config, fence, selfFence, net, domains, storage, Clock.system());
  }

  /** As above, with the wall clock the actors read (a simulated host's may be stepped: harness clock-jump). */
  public static ActorSystem<NodeGuardian.Command> start(NodeConfig config, FencePort fence, SelfFence selfFence,
                                                        NetPort net, LocalDomains domains,
                                                        java.util.Optional<NodeGuardian.Replicated> storage,
                                                        Clock clock) {
    ServiceManager service = SystemdNotify.fromEnvironment();
    NodeGuardian.Ports ports = new NodeGuardian.Ports(new SdkXapiAdapter(config.xapi(), clock), fence,
        net, selfFence, domains, StorageRole.NONE, clock, storage,
        org.tandemha.controller.alert.AlertConfig.read(config.raw()),
        poolParameters(config), service);
    // The host this node runs on travels as its cluster role, so peers map members to pool hosts.
    // Mutual TLS (or flagged plain TCP) between nodes: refused here, before anything starts, if not usable.
    Config akka = ClusterTransport.apply(config.raw(), java.time.Instant.now()).withValue("akka.cluster.roles",
        ConfigValueFactory.fromIterable(List.of(QuorumActor.hostRole(config.settings().self()))));
    ActorSystem<NodeGuardian.Command> system = ActorSystem.create(NodeGuardian.create(config.settings(), ports),
        SYSTEM_NAME, withAppVersion(akka));
    tellStopping(system, service);
    String socket = config.raw().hasPath("tandem.admin.socket") ? config.raw().getString("tandem.admin.socket") : "";
    if (!socket.isBlank()) {
      try {
        // A request may be a fence: its own bound, and a margin for the journal.
        var admin = org.tandemha.controller.admin.AdminSocket.start(java.nio.file.Path.of(socket), system,
            config.settings().fenceTimeout().plusSeconds(10));
        system.getWhenTerminated().thenRun(admin::close);
      } catch (java.io.IOException | RuntimeException e) {
        system.log().error("admin socket {} not started, the tandem CLI cannot reach this node: {}", socket, e.toString());
      }
    }
    return system;
  }

  /** The pool settings port, with the values this node started with (as remembered beside its journal). */
  private static org.tandemha.controller.config.PoolParameters poolParameters(NodeConfig config) {
    java.nio.file.Path cache = org.tandemha.controller.config.StartupPool.cacheOf(config.raw());
    return new org.tandemha.controller.config.PoolParameters(config.user(),
        java.util.Optional.ofNullable(config.user().origin().filename()).orElse("/etc/tandem/tandem.conf"),
        org.tandemha.controller.config.PoolParameters.recalled(cache).orElse(java.util.Map.of()),
        java.util.Optional.of(cache));
  }

  /** A witness: the same cluster, role {@code witness}, no HA actors (DESIGN.md, Cluster). */
  public static ActorSystem<?> startWitness(Config config) {
    Config akka = witnessFailureDetector(config, ClusterTransport.apply(config, java.time.Instant.now())
        .withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(List.of(WitnessGuardian.ROLE))));
    ServiceManager service = SystemdNotify.fromEnvironment();
    ActorSystem<?> system = ActorSystem.create(WitnessGuardian.create(service), SYSTEM_NAME, withAppVersion(akka));
    tellStopping(system, service);
    return system;
  }

  /**
   * The witness's failure detector: {@code tandem.cluster.witness-failure-detector} over the cluster's. It heartbeats
   * the hosts slowly; their heartbeats to it, which decide whether they count its vote, keep the hosts' rate.
   */
  static Config witnessFailureDetector(Config config, Config akka) {
    String own = "tandem.cluster.witness-failure-detector";
    if (!config.hasPath(own)) return akka;
    Config fd;
    try {
      fd = config.getConfig(own).withFallback(akka.getConfig("akka.cluster.failure-detector"));
      for (String key : List.of("heartbeat-interval", "acceptable-heartbeat-pause")) {
        if (fd.getDuration(key).isNegative() || fd.getDuration(key).isZero()) {
          throw new NodeConfig.Invalid(own + "." + key + " must be longer than zero, not " + fd.getDuration(key));
        }
      }
    } catch (com.typesafe.config.ConfigException e) {
      throw new NodeConfig.Invalid(e.getMessage(), e);
    }
    return akka.withValue("akka.cluster.failure-detector", fd.root());
  }

  /**
   * Akka's {@code app-version}: every member carries its Tandem version, so a cluster of version N takes a node of
   * N+1 during a rolling upgrade and each member's version is known (messages between versions are Jackson records
   * that ignore fields they do not know and read absent ones as null).
   */
  private static Config withAppVersion(Config akka) {
    String v = org.tandemha.protocol.Version.current();
    return v.equals("unknown") ? akka : akka.withValue("akka.cluster.app-version", ConfigValueFactory.fromAnyRef(v));
  }

  /** systemd hears of a shutdown as it begins (a stop, a SIGTERM, a node downed), not when the JVM is gone. */
  private static void tellStopping(ActorSystem<?> system, ServiceManager service) {
    akka.actor.CoordinatedShutdown.get(system).addTask(akka.actor.CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "tell-service-manager", () -> {
          service.stopping();
          return java.util.concurrent.CompletableFuture.completedFuture(akka.Done.getInstance());
        });
  }
}
