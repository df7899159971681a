package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.typed.Cluster;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.tandemha.actors.decide.WatchdogFeed;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.SelfFence;
import org.tandemha.protocol.CborSerializable;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;

/**
 * The self-fence watchdog (issue #7 item 6). On each of the guardian's ticks it asks the standing quorum and, as
 * {@link WatchdogFeed} decides, arms the device, feeds it, or stops feeding it; the writes run on a thread of their
 * own, so a saturated blocking pool cannot starve it, while a stalled actor system does. Each tick it also tells
 * the other nodes' watchdog actors (found through the Receptionist) whether this host's watchdog is armed and with
 * what timeout, and it keeps what they told it: the fencing gate of a takeover asks it about the lost peer.
 */
public final class WatchdogActor extends AbstractBehavior<WatchdogActor.Command> {
  public sealed interface Command {}
  /** The guardian's tick (every second): judge, feed, advertise. */
  public record Tick(int poolHosts) implements Command {}
  /**
   * From a peer's node: its host's watchdog is armed, with this timeout (zero when not armed). Every receiver
   * passes a direct advert on once ({@code relayed}) to the other hosts' nodes, and a witness relays them too: a host
   * whose link to this node is cut while another member still reaches it is heard of that way — alive, so never
   * taken over by deadline.
   */
  public record Advert(HostId host, boolean armed, Duration timeout, boolean relayed)
      implements Command, CborSerializable {}
  /** What this node last heard of a peer's watchdog. */
  public record GetPeer(HostId host, ActorRef<PeerWatchdog> replyTo) implements Command {}
  /** @param timeout present when the peer said its watchdog is armed */
  public record PeerWatchdog(HostId host, Optional<Duration> timeout, Optional<Instant> heardAt) {}
  private record Judged(WatchdogFeed.Decision decision, Throwable error) implements Command {}
  private record Fed(Throwable error) implements Command {}
  private record Listed(Receptionist.Listing listing) implements Command {}
  private enum Noted implements Command { INSTANCE }

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "tandem-watchdog");

  public static Behavior<Command> create(HostId self, Optional<SelfFence.Watchdog> watchdog,
                                         ActorRef<QuorumActor.Command> quorum, ActorRef<HaJournal.Command> journal,
                                         Clock clock) {
    return Behaviors.setup(ctx -> new WatchdogActor(ctx, self, watchdog, quorum, journal, clock));
  }

  /** A witness's: no watchdog of its own, it only passes the hosts' adverts on. */
  public static Behavior<Command> relay() {
    return Behaviors.setup(ctx -> new WatchdogActor(ctx, null, Optional.empty(), null, null, Clock.system()));
  }

  private final HostId self;
  private final Optional<SelfFence.Watchdog> watchdog;
  private final ActorRef<QuorumActor.Command> quorum;
  private final Clock clock;
  private final Recorder<Command> recorder;
  private final ExecutorService feeder;
  private final Map<HostId, PeerWatchdog> peers = new HashMap<>();
  private Set<ActorRef<Command>> others = Set.of();
  private boolean armed;
  private boolean busy;
  private boolean starving;
  private String lastError = "";

  private WatchdogActor(ActorContext<Command> ctx, HostId self, Optional<SelfFence.Watchdog> watchdog,
                        ActorRef<QuorumActor.Command> quorum, ActorRef<HaJournal.Command> journal, Clock clock) {
    super(ctx);
    this.self = self;
    this.watchdog = watchdog;
    this.quorum = quorum;
    this.clock = clock;
    this.recorder = journal == null ? null : new Recorder<>(ctx, journal, Duration.ofSeconds(5));
    this.armed = watchdog.map(SelfFence.Watchdog::opened).orElse(false);   // a restarted actor: the device is still open
    this.feeder = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "tandem-watchdog-feeder");
      t.setDaemon(true);
      return t;
    });
    ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY,
        ctx.messageAdapter(Receptionist.Listing.class, Listed::new)));
    if (self == null) return;   // a relay
    watchdog.ifPresentOrElse(
        w -> ctx.getLog().info("watchdog: {} (timeout {}s) is armed once this node holds quorum, and never disarmed",
            w.device(), w.timeout().toSeconds()),
        () -> ctx.getLog().info("watchdog: none configured (tandem.watchdog.device): peers with a POOL fence cannot "
            + "take this host's work over without an operator"));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, this::onTick)
        .onMessage(Judged.class, this::onJudged)
        .onMessage(Fed.class, this::onFed)
        .onMessage(Advert.class, this::onAdvert)
        .onMessage(GetPeer.class, g -> {
          g.replyTo().tell(peers.getOrDefault(g.host(), new PeerWatchdog(g.host(), Optional.empty(), Optional.empty())));
          return this;
        })
        .onMessage(Listed.class, l -> {
          // All of them, also those on members some observer finds unreachable: a partial partition is what relaying is for.
          others = Set.copyOf(l.listing().getAllServiceInstances(KEY).stream()
              .filter(r -> !r.equals(getContext().getSelf())).toList());
          return this;
        })
        .onMessageEquals(Noted.INSTANCE, () -> this)
        .onSignal(PostStop.class, s -> {
          feeder.shutdownNow();   // the device stays open until the JVM exits: no magic close, it will fire
          return this;
        })
        .onSignal(akka.actor.typed.PreRestart.class, s -> {
          feeder.shutdownNow();
          return this;
        })
        .build();
  }

  private Behavior<Command> onTick(Tick t) {
    if (self == null) return this;
    Advert mine = new Advert(self, armed, armed ? watchdog.get().timeout() : Duration.ZERO, false);
    others.forEach(o -> o.tell(mine));
    if (watchdog.isEmpty() || busy || t.poolHosts() == 0) return this;
    busy = true;
    boolean wasArmed = armed;
    getContext().ask(QuorumActor.Standing.class, quorum, Duration.ofSeconds(2),
        r -> new QuorumActor.Watch(t.poolHosts(), r),
        (st, e) -> e != null ? new Judged(null, e) : new Judged(WatchdogFeed.judge(new WatchdogFeed.Evidence(
            wasArmed, st.verdict().quorate(), st.peerMayBeQuorate())), null));
    return this;
  }

  private Behavior<Command> onJudged(Judged j) {
    if (j.error() != null) {   // no standing within 2 s: no feed this second, as if stalled
      busy = false;
      return this;
    }
    WatchdogFeed.Decision d = j.decision();
    switch (d.action()) {
      case WAIT -> busy = false;
      case STARVE -> {
        busy = false;
        if (!starving) {
          starving = true;
          getContext().getLog().error("watchdog: NOT FED any more: {}; {} resets this host in {}s unless quorum "
              + "returns", d.reason(), watchdog.get().device(), watchdog.get().timeout().toSeconds());
          recorder.record(new HaEvent.WatchdogFeeding(self, false, d.reason(), clock.now()), Noted.INSTANCE,
              e -> Noted.INSTANCE);
        }
      }
      case FEED -> {
        if (starving) {
          starving = false;
          getContext().getLog().warn("watchdog: fed again: {}", d.reason());
          recorder.record(new HaEvent.WatchdogFeeding(self, true, d.reason(), clock.now()), Noted.INSTANCE,
              e -> Noted.INSTANCE);
        }
        SelfFence.Watchdog w = watchdog.get();
        getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
          try {
            w.feed();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, feeder), (ok, e) -> new Fed(e));
      }
    }
    return this;
  }

  private Behavior<Command> onFed(Fed f) {
    busy = false;
    if (f.error() != null) {
      String why = String.valueOf(f.error().getCause() != null ? f.error().getCause() : f.error());
      if (!why.equals(lastError)) getContext().getLog().error("watchdog: cannot feed {}: {}", watchdog.get().device(), why);
      lastError = why;
      return this;
    }
    lastError = "";
    if (!armed) {
      armed = true;
      SelfFence.Watchdog w = watchdog.get();
      getContext().getLog().warn("watchdog: ARMED {} with timeout {}s: from now on this host resets unless this node "
          + "feeds it; it is never disarmed (no magic close)", w.device(), w.timeout().toSeconds());
      recorder.record(new HaEvent.WatchdogArmed(self, w.device(), w.timeout(), clock.now()), Noted.INSTANCE,
          e -> Noted.INSTANCE);
    }
    return this;
  }

  /**
   * Whether the node with these cluster roles has a use for a relayed advert of {@code origin}: the origin's own node
   * ignores its host's adverts and a witness passes on only direct ones, so neither gets one (issue #10: those copies
   * were half the adverts on the wire). A node whose roles are not known here (not a member yet, or no cluster)
   * gets it.
   */
  static boolean wantsRelayed(Set<String> roles, HostId origin) {
    if (roles == null) return true;
    return !roles.contains(QuorumActor.hostRole(origin)) && !roles.contains(WitnessGuardian.ROLE);
  }

  /** The roles of the cluster's members by address; empty outside a cluster (the actor tests' local systems). */
  private Map<akka.actor.Address, Set<String>> memberRoles() {
    var classic = akka.actor.typed.javadsl.Adapter.toClassic(getContext().getSystem());
    if (!(((akka.actor.ExtendedActorSystem) classic).provider() instanceof akka.cluster.ClusterActorRefProvider)) {
      return Map.of();
    }
    Map<akka.actor.Address, Set<String>> roles = new HashMap<>();
    Cluster.get(getContext().getSystem()).state().getMembers().forEach(m -> roles.put(m.address(), m.getRoles()));
    return roles;
  }

  private Behavior<Command> onAdvert(Advert a) {
    if (a.host().equals(self)) return this;
    if (!a.relayed()) {
      Advert onward = new Advert(a.host(), a.armed(), a.timeout(), true);
      Map<akka.actor.Address, Set<String>> roles = memberRoles();
      others.stream().filter(o -> wantsRelayed(roles.get(o.path().address()), a.host())).forEach(o -> o.tell(onward));
    }
    if (self == null) return this;
    PeerWatchdog before = peers.get(a.host());
    PeerWatchdog now = new PeerWatchdog(a.host(), a.armed() ? Optional.of(a.timeout()) : Optional.empty(),
        Optional.of(clock.now()));
    peers.put(a.host(), now);
    if (before == null || !before.timeout().equals(now.timeout())) {
      getContext().getLog().info("watchdog of peer {}: {}", a.host(), a.armed()
          ? "armed, timeout " + a.timeout().toSeconds() + "s" : "not armed");
    }
    return this;
  }
}
