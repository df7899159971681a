package org.tandemha.actors;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import akka.pattern.StatusReply;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.decide.Autopromote;
import org.tandemha.actors.decide.LoneMaster;
import org.tandemha.actors.decide.TakeoverPlan;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.FencePort;
import org.tandemha.actors.port.LocalDomains;
import org.tandemha.actors.port.NetPort;
import org.tandemha.actors.port.SelfFence;
import org.tandemha.actors.port.ServiceManager;
import org.tandemha.actors.port.StorageRole;
import org.tandemha.actors.port.XapiPort;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.HostView;
import org.tandemha.protocol.NodeSettings;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.VmId;
import org.tandemha.protocol.VmView;

/**
 * The root of one node. Reads the pool every {@code poll}, follows the XAPI pool master for its role, and
 * feeds its children: the master's node chooses the autopromote winner and keeps VMs running; every node
 * watches its peers through their HostActors. Cluster reachability is routed to the peer's HostActor by
 * the {@code host-<uuid>} role each node carries.
 */
public final class NodeGuardian extends AbstractBehavior<NodeGuardian.Command> {
  public sealed interface Command {}
  /** {@code tandem status}: what this node knows of itself and the pool; quorum, journal and storage are asked apart. */
  public record GetReport(ActorRef<org.tandemha.protocol.NodeReport> replyTo) implements Command {}
  /** {@code tandem vm list}, {@code host list}: the pool as last read and the settings that judge it. */
  public record GetPool(ActorRef<PoolView> replyTo) implements Command {}
  /** @param pool empty before the first read; {@code readError} the last read's error, or empty */
  public record PoolView(Optional<PoolSnapshot> pool, org.tandemha.protocol.HaSettings ha, String readError) {}
  /**
   * {@code tandem host declare-dead HOST}: DESIGN.md's third way a host is confirmed gone. Refused while anything
   * reaches it; run on the node that would take it over (the master for a slave, the autopromote winner for the master).
   */
  public record DeclareDead(HostId host, String who, ActorRef<org.tandemha.protocol.Admin.Reply> replyTo)
      implements Command {}
  /** @param takingOver a takeover of the host runs already: nothing was probed */
  private record DeclareProbed(DeclareDead request, HostView host, boolean master, boolean answers, boolean takingOver)
      implements Command {}
  private record DeclareStarted(DeclareDead request, boolean started) implements Command {}
  /** @param stage 1: the takeover's decision journaled; 2: the operator's confirmation journaled */
  private record DeclareStep(DeclareDead request, boolean master, int stage, String source, String evidence,
                             Throwable error) implements Command {}
  /** {@code tandem host resume}: an operator ends this host's HA suspension (journaled). */
  public record OperatorResume(String who, ActorRef<org.tandemha.protocol.Admin.Reply> replyTo) implements Command {}
  private record ResumeJournaled(String source, ActorRef<org.tandemha.protocol.Admin.Reply> replyTo, Throwable error)
      implements Command {}
  /** An operator changed a pool key through the CLI: read the pool again now rather than at the next poll. */
  public enum ReadNow implements Command { INSTANCE }
  private enum Tick implements Command { POLL, JOIN_CHECK, WATCHDOG, NEVER_SEEN }
  private record PoolRead(PoolSnapshot pool, Throwable error) implements Command {}
  private record ClusterChange(ClusterEvent.ReachabilityEvent event) implements Command {}
  private record WinnerRecorded(PoolSnapshot pool, Optional<HostId> winner, Throwable error) implements Command {}
  private record PoolKeyWritten(String key, String value, Throwable error) implements Command {}
  private record PeerFenced(HostId host, boolean takeoverEnded) implements Command {}
  private record MemberJoined(ClusterEvent.MemberUp event) implements Command {}
  private record PoolChanged(int changes) implements Command {}
  /** From the storage role actor: whether this host serves the replicated storage now. */
  private record StorageServing(boolean serving) implements Command {}
  private record StandingKnown(boolean armed, boolean suspended, HaJournal.Unfinished unfinished, boolean loneRebooted)
      implements Command {}
  private record SuspendSelf(String reason) implements Command {}
  private record SelfFenceNow(String reason) implements Command {}
  private record SuspensionEnded(String source, Throwable error) implements Command {}
  private record HostTagWritten(HostId host, Throwable error) implements Command {}
  private record ArmingRecorded(boolean armed) implements Command {}
  private record QuorumStanding(boolean quorate) implements Command {}
  private record MasterEnabled(Throwable error) implements Command {}
  private record ReEnableIssued(HostId host) implements Command {}
  private record ReEnabled(HostId host, Throwable error) implements Command {}
  private record AloneWithoutQuorum(HostId slave, String reason) implements Command {}
  private record LoneRebootNotJournaled(Throwable error) implements Command {}
  private record LoneRebootCleared(Throwable error) implements Command {}

  /**
   * @param storage    the storage hand-over a dead master's takeover calls; replaced by the storage role actor's
   *                   when {@code replicated} is configured
   * @param replicated this host's DRBD/iSCSI/floating-IP storage (issue #8), with its floating IP for messages
   */
  public record Ports(XapiPort xapi, FencePort fence, NetPort net, SelfFence selfFence, LocalDomains domains,
                      StorageRole storage, Clock clock, Optional<Replicated> replicated, Alerting alerting,
                      org.tandemha.actors.port.PoolConfig config, ServiceManager service) {
    public Ports(XapiPort xapi, FencePort fence, NetPort net, SelfFence selfFence, LocalDomains domains,
                 StorageRole storage, Clock clock, Optional<Replicated> replicated, Alerting alerting,
                 org.tandemha.actors.port.PoolConfig config) {
      this(xapi, fence, net, selfFence, domains, storage, clock, replicated, alerting, config, ServiceManager.NONE);
    }

    public Ports(XapiPort xapi, FencePort fence, NetPort net, SelfFence selfFence, LocalDomains domains,
                 StorageRole storage, Clock clock, Optional<Replicated> replicated) {
      this(xapi, fence, net, selfFence, domains, storage, clock, replicated, Alerting.NONE,
          org.tandemha.actors.port.PoolConfig.NONE);
    }

    public Ports(XapiPort xapi, FencePort fence, NetPort net, SelfFence selfFence, LocalDomains domains,
                 StorageRole storage, Clock clock) {
      this(xapi, fence, net, selfFence, domains, storage, clock, Optional.empty());
    }
  }

  /**
   * Where alerts go (issue #9 item 7).
   *
   * @param channels     e-mail, webhook
   * @param poolMessages also as pool messages through XAPI (HA-Lizard's ENABLE_ALERTS)
   */
  public record Alerting(List<org.tandemha.actors.port.AlertChannel> channels, boolean poolMessages,
                         AlertActor.Settings settings) {
    public Alerting { channels = List.copyOf(channels); }

    public static final Alerting NONE = new Alerting(List.of(), false,
        new AlertActor.Settings(Duration.ofMinutes(60), Map.of(), AlertActor.Settings.DEFAULT_RETRIES));
  }

  /** @param peers the hosts replicating this storage; empty = every other pool host */
  public record Replicated(org.tandemha.actors.port.StoragePort port, String floatingIp, Set<HostId> peers) {
    public Replicated { peers = Set.copyOf(peers); }
  }

  public static final String AUTOPROMOTE_KEY = "autopromote_uuid";
  /** Pool other-config switch for fencing and takeover, cluster-wide: "false" disarms, absent or "true" arms. */
  public static final String ARMED_KEY = "tandem_armed";
  /** Pool other-config: the slave an operator prefers as autopromote winner, used while it is eligible. */
  public static final String PREFERRED_KEY = "tandem_autopromote_preferred";

  public static Behavior<Command> create(NodeSettings settings, Ports ports) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new NodeGuardian(ctx, timers, settings, ports)));
  }

  private NodeSettings settings;   // the pool's tandem.* values applied at each pool read (issue #9 item 6)
  private final NodeSettings startupSettings;
  private Map<String, String> poolConfigSeen = Map.of();
  private final ActorRef<QuorumActor.Command> quorum;
  private final TimerScheduler<Command> timers;
  private final Ports ports;
  private final Executor blockingIo;
  private final ActorRef<HaJournal.Command> journal;
  private final ActorRef<AutopromoteActor.Command> autopromote;
  private final ActorRef<IsolationActor.Command> isolation;
  private final ActorRef<RestartCoordinator.Command> restarts;
  private final ActorRef<VappCoordinator.Command> vapps;
  private final ActorRef<DuplicateDomainActor.Command> duplicates;
  private final Set<HostId> reEnabling = new HashSet<>();
  private final TakeoverActor.Ports takeoverPorts;
  private final TakeoverActor.Peers takeoverPeers;
  private final ActorRef<WatchdogActor.Command> watchdog;
  private final Optional<ActorRef<StorageRoleActor.Command>> storageRole;
  private final Map<HostId, ActorRef<HostActor.Command>> hosts = new HashMap<>();
  private final Map<VmId, ActorRef<VmActor.Command>> vms = new HashMap<>();
  private final Set<HostId> fenced = new HashSet<>();
  /**
   * Fenced hosts whose takeover has not ended (it still resets their VMs' power state), with when it confirmed the
   * fence: no VM restarts meanwhile (see {@link #takeoverStillResetting}).
   */
  private final Map<HostId, java.time.Instant> resetting = new HashMap<>();
  /** How long a takeover may hold the restarts: a takeover that never reports its end must not keep VMs down. */
  static final Duration TAKEOVER_HOLD_MAX = Duration.ofMinutes(5);
  private boolean takeoverHoldNoted;
  private boolean reading;
  private boolean readAgain;   // a change arrived during a read: the read in flight may predate it
  private boolean writingWinner;
  private Optional<Boolean> wasMaster = Optional.empty();
  private String lastReadError = "";
  private boolean armed = true;          // until the journal says otherwise
  private String lastArmingValue;        // as last read from the pool, to journal changes once
  private boolean nativeHaWarned;
  /** With replicated storage: this host serves it (told by the storage role actor). VMs start only then. */
  private boolean storageServed;
  private boolean suspended;             // as journaled: a suspended node never promotes
  private boolean sawUnhealthyTag;
  private boolean clearing;
  private boolean loneRebooted;          // as journaled: rebooted once as a lone master, slaves not seen since
  private boolean lonelyRebootPending;
  private boolean clearingLone;
  private boolean enabling;
  private Optional<PoolSnapshot> lastPool = Optional.empty();
  /** Readiness for the service manager: this node's own member is up, and the pool has been read once. */
  private boolean selfUp;
  private boolean serviceReady;
  private String serviceStatus = "";
  private boolean quorate;               // standing quorum, from the isolation watch: no VM starts without it       // since the suspension: a later "healthy" is the master's clearance
  private final Set<HostId> tagging = new HashSet<>();
  private final Set<HostId> unreachable = new HashSet<>();
  private final Set<HostId> nodesUp = new HashSet<>();   // hosts whose node this node has seen Up

  private NodeGuardian(ActorContext<Command> ctx, TimerScheduler<Command> timers, NodeSettings settings, Ports ports) {
    super(ctx);
    this.timers = timers;
    this.settings = settings;
    this.startupSettings = settings;
    this.ports = ports;
    this.blockingIo = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("tandem.blocking-io"));
    HostId self = settings.self();
    // A rejected event stops an event-sourced actor; restart it rather than lose the node's record.
    this.journal = ctx.spawn(supervised(HaJournal.create(self)), "ha-journal");
    this.autopromote = ctx.spawn(supervised(AutopromoteActor.create(self)), "autopromote");
    this.quorum = ctx.spawn(supervised(
        QuorumActor.create(self, settings.ha(), settings.witnesses(), ports.net(), journal, ports.clock(), blockingIo)),
        "quorum");
    ActorRef<FenceAgentActor.Command> fence = ctx.spawn(supervised(
        FenceAgentActor.create(ports.fence(), journal, ports.clock(), blockingIo, settings.fenceTimeout())),
        "fence-" + ports.fence().device().replaceAll("[^A-Za-z0-9_-]", "_"));
    ctx.spawn(FencedNodeDowner.create(), FencedNodeDowner.NAME);
    ActorRef<Command> selfRef = ctx.getSelf();
    this.restarts = ctx.spawn(supervised(RestartCoordinator.create(self, settings.ha(), settings.restartConcurrency(),
        ports.xapi(), journal, ports.clock(), blockingIo, () -> selfRef.tell(Tick.POLL))), "restarts");
    this.vapps = ctx.spawn(supervised(VappCoordinator.create(settings.ha(), settings.restartConcurrency(), ports.xapi(),
        journal, ports.clock(), blockingIo, () -> selfRef.tell(Tick.POLL))), "vapps");
    this.duplicates = ctx.spawn(supervised(DuplicateDomainActor.create(self, ports.domains(), journal, ports.clock(),
        blockingIo)), "duplicates");
    this.isolation = ctx.spawn(supervised(IsolationActor.create(self, settings.fencing().mgtLinkLossTolerance(), quorum,
        journal, ports.domains(), ports.clock(), blockingIo,
        ctx.messageAdapter(Boolean.class, QuorumStanding::new))), "isolation");
    this.storageRole = ports.replicated().map(r -> ctx.spawn(supervised(StorageRoleActor.create(self, r.port(),
        r.floatingIp(), r.peers(), journal, ports.clock(), blockingIo, mode -> showManualMode(ports.xapi(), self, mode),
        serving -> ctx.getSelf().tell(new StorageServing(serving)))), "storage"));
    List<org.tandemha.actors.port.AlertChannel> alertChannels = new java.util.ArrayList<>(ports.alerting().channels());
    if (ports.alerting().poolMessages()) alertChannels.add(new org.tandemha.actors.alert.XapiMessages(ports.xapi()));
    ActorRef<AlertActor.Command> alerts = ctx.spawn(supervised(AlertActor.create(self, alertChannels,
        ports.alerting().settings(), Optional.of(ctx.getSelf()), ports.clock(), blockingIo)), "alerts");
    ctx.spawn(supervised(AdminActor.create(self, new AdminActor.Sources(fence, storageRole, Optional.of(
        new AdminActor.Node(ctx.getSelf(), quorum, journal, ports.xapi(), ports.clock(), blockingIo, settings.ha(),
            alerts, ports.config()))))), "admin");
    StorageRole handOver = storageRole.<StorageRole>map(a -> new StorageRoleHandOver(a, ctx.getSystem(),
        ports.replicated().get().port().describe())).orElse(ports.storage());
    this.takeoverPorts = new TakeoverActor.Ports(ports.xapi(), ports.net(), handOver, ports.clock(), blockingIo,
        ports.fence()::powersOff);
    this.watchdog = ctx.spawn(supervised(WatchdogActor.create(self, ports.selfFence().watchdog(), quorum, journal,
        ports.clock())), "watchdog");
    this.takeoverPeers = new TakeoverActor.Peers(quorum, fence, journal, watchdog);
    ActorRef<ClusterEvent.ReachabilityEvent> clusterAdapter =
        ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ClusterChange::new);
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(clusterAdapter, ClusterEvent.ReachabilityEvent.class));
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberUp.class, MemberJoined::new), ClusterEvent.MemberUp.class));
    ctx.spawn(supervised(PoolWatchActor.create(ports.xapi(), blockingIo, settings.eventWait(),
        ctx.messageAdapter(PoolWatchActor.PoolChanged.class, c -> new PoolChanged(c.changes())))), "pool-watch");
    timers.startTimerWithFixedDelay(Tick.POLL, Tick.POLL, settings.poll());   // the safety net under events
    timers.startTimerWithFixedDelay(Tick.JOIN_CHECK, Tick.JOIN_CHECK, JOIN_CHECK);
    timers.startSingleTimer(Tick.NEVER_SEEN, Tick.NEVER_SEEN, NEVER_SEEN);
    // The watchdog is fed from this tick: a guardian that stops processing messages stops feeding it.
    timers.startTimerWithFixedDelay(Tick.WATCHDOG, Tick.WATCHDOG, Duration.ofSeconds(1));
    ctx.ask(HaJournal.Standing.class, journal, Duration.ofSeconds(10), HaJournal.GetStanding::new,
        (st, e) -> e == null ? new StandingKnown(st.armed(), st.suspended(), st.unfinished(), st.loneRebooted())
            : new StandingKnown(true, false, null, false));
    ctx.getSelf().tell(Tick.POLL);
    serviceWaiting("joining the cluster and reading the pool");
    ctx.getLog().info("node for host {} started: poll {}, XAPI_COUNT {}, XAPI_DELAY {}, fence device {}",
        self, settings.poll(), settings.ha().xapiCount(), settings.ha().xapiDelay(), ports.fence().device());
    // What an operator must know about this node's safety, in the log too (`tandem status` shows it live).
    String watchdogNote = ports.selfFence().watchdog().map(w -> "watchdog " + w.device() + " " + w.timeout().toSeconds()
        + "s (armed once quorate)").orElse("no watchdog");
    ctx.getLog().info("safety: fencing via {} ({}); quorum {} witness(es){}; isolation hard "
            + "stop after MGT_LINK_LOSS_TOLERANCE={}s without quorum; {}; FENCE_ENABLED={}, FENCE_MIN_HOSTS={}, "
            + "FENCE_DELAY_SLAVE={}s", ports.fence().device(), ports.fence().device().contains("POOL")
            ? "POOL powers nothing off: a host fenced by it is taken over only after its own watchdog's deadline"
            : "a power fence with read-back", settings.witnesses(),
        settings.witnesses() == 0 ? " (a two-host tie is broken by FENCE_HEURISTICS_IPS " + settings.ha().heuristicsIps() + ")" : "",
        settings.fencing().mgtLinkLossTolerance().toSeconds(), watchdogNote,
        settings.fencing().enabled() ? 1 : 0, settings.fencing().minHosts(), settings.ha().fenceDelaySlave().toSeconds());
  }

  private Behavior<Command> declareDead(DeclareDead d) {
    Optional<String> refusal = declareRefusal(d);
    if (refusal.isPresent()) {
      d.replyTo().tell(new org.tandemha.protocol.Admin.Reply(refusal.get().startsWith("2:") ? 2 : 1,
          List.of(refusal.get().substring(2))));
      return this;
    }
    HostView host = lastPool.get().host(d.host()).orElseThrow();
    boolean master = lastPool.get().master().equals(d.host());
    String address = host.address();
    StorageRole storage = takeoverPorts.storage();
    ActorRef<HostActor.Command> peer = hostActor(d.host());
    // A takeover already running is left alone (its fence may yet confirm); then every channel is probed —
    // the management network, XAPI, ping and the DRBD links (an unknown DRBD answer counts as alive).
    CompletableFuture<Boolean> running = AskPattern.<HostActor.Command, Boolean>ask(peer, HostActor.IsTakingOver::new,
        Duration.ofSeconds(3), getContext().getSystem().scheduler()).toCompletableFuture();
    getContext().pipeToSelf(running.thenApplyAsync(r -> r ? null : ports.xapi().probe(address)
            || ports.net().answers(address, Duration.ofSeconds(1))
            || storage.replicationLinks(d.host()).containsValue(true), blockingIo),
        (answers, e) -> new DeclareProbed(d, host, master, e != null || answers == null || answers,
            e == null && answers == null));
    return this;
  }

  /** Why an operator's declare-dead is refused now ("1:" failed, "2:" bad usage), or empty. */
  private Optional<String> declareRefusal(DeclareDead d) {
    if (lastPool.isEmpty()) return Optional.of("1:not declared dead: the pool has not been read yet");
    PoolSnapshot pool = lastPool.get();
    if (pool.host(d.host()).isEmpty()) {
      return Optional.of("2:" + d.host() + " is not a host of this pool (`tandem host list`)");
    }
    if (d.host().equals(settings.self())) {
      return Optional.of("2:this is the node of " + d.host() + " itself: run it on the host that takes its work over");
    }
    if (fenced.contains(d.host())) {
      return Optional.of("1:" + d.host() + " is confirmed gone already (fenced): its work is being or was taken over");
    }
    if (!armed) return Optional.of("1:not declared dead: Tandem is disarmed, nothing is taken over (tandem arm first)");
    if (pool.nativeHaEnabled()) {
      return Optional.of("1:not declared dead: XenServer's own pool HA is on and owns failover; Tandem stands aside");
    }
    if (suspended) {
      return Optional.of("1:not declared dead: HA is suspended on this host, which takes nothing over "
          + "(tandem host resume " + settings.self().uuid() + " first, if it is sound)");
    }
    boolean master = pool.master().equals(d.host());
    if (master && !settings.self().uuid().equals(pool.poolOtherConfig().get(AUTOPROMOTE_KEY))) {
      return Optional.of("1:not declared dead: " + d.host() + " is the pool master: run this on the autopromote winner ("
          + pool.poolOtherConfig().getOrDefault(AUTOPROMOTE_KEY, "none chosen") + "), which takes over from it");
    }
    if (!master && !pool.master().equals(settings.self())) {
      return Optional.of("1:not declared dead: run this on the pool master (" + pool.master()
          + "), which takes over a slave's work");
    }
    if (nodesUp.contains(d.host()) && !unreachable.contains(d.host())) {
      return Optional.of("1:not declared dead: its Tandem node is up and reachable from here: it is alive "
          + "(tandem fence " + d.host().uuid() + " --really powers it off)");
    }
    return Optional.empty();
  }

  private Behavior<Command> onDeclareProbed(DeclareProbed p) {
    DeclareDead d = p.request();
    if (p.takingOver()) {
      d.replyTo().tell(new org.tandemha.protocol.Admin.Reply(1, List.of("not declared dead: a takeover of "
          + d.host() + " is running now (its fence is being tried); if it ends without a confirmed fence "
          + "(tandem events --type FenceFailed,TakeoverRefused), declare it dead again")));
      return this;
    }
    if (p.answers()) {
      d.replyTo().tell(new org.tandemha.protocol.Admin.Reply(1, List.of("not declared dead: " + p.host().name()
          + " (" + p.host().address() + ") answers XAPI or ping, or a DRBD link to it is up (or could not be read): "
          + "it may be alive (tandem fence " + d.host().uuid() + " --really powers it off)")));
      return this;
    }
    Optional<String> refusal = declareRefusal(d);   // judged again: the probe took a while
    if (refusal.isPresent()) {
      d.replyTo().tell(new org.tandemha.protocol.Admin.Reply(1, List.of(refusal.get().substring(2))));
      return this;
    }
    String evidence = "its node is not reachable from here; XAPI and ping of " + p.host().address()
        + " silent; no DRBD link to it up";
    String source = "operator " + d.who() + " via tandem host declare-dead";
    getContext().getLog().warn("host {}: DECLARED DEAD by an operator ({}); {}", d.host(), source, evidence);
    HaEvent lost = p.master() ? new HaEvent.MasterLost(d.host(), "declared dead by an operator; " + evidence,
        ports.clock().now()) : new HaEvent.SlaveLost(d.host(), "declared dead by an operator; " + evidence,
        ports.clock().now());
    // Journaled in this order: the takeover's decision, then its confirmation — a crash between them resumes nothing.
    getContext().ask(akka.Done.class, journal, Duration.ofSeconds(5), r -> new HaJournal.Record(lost, r),
        (done, e) -> new DeclareStep(d, p.master(), 1, source, evidence, e));
    return this;
  }

  private Behavior<Command> onDeclareStep(DeclareStep s) {
    DeclareDead d = s.request();
    if (s.error() != null) {
      d.replyTo().tell(new org.tandemha.protocol.Admin.Reply(1, List.of(s.stage() == 1
          ? "not declared dead: the journal did not record it (" + s.error() + ")"
          : "outcome UNKNOWN: the journal did not confirm the declaration in time (" + s.error() + "); if it was "
              + "written, a restarted node takes the host over — see `tandem events --type OperatorDeclaredDead`")));
      return this;
    }
    if (s.stage() == 1) {
      getContext().ask(akka.Done.class, journal, Duration.ofSeconds(5), r -> new HaJournal.Record(
              new HaEvent.OperatorDeclaredDead(d.host(), s.source(), s.evidence(), ports.clock().now()), r),
          (done, e) -> new DeclareStep(d, s.master(), 2, s.source(), s.evidence(), e));
      return this;
    }
    TakeoverPlan.Kind kind = s.master() ? TakeoverPlan.Kind.DEAD_MASTER : TakeoverPlan.Kind.DEAD_SLAVE;
    getContext().ask(Boolean.class, hostActor(d.host()), Duration.ofSeconds(3),
        r -> new HostActor.DeclaredDead(TakeoverPlan.Progress.of(kind, Set.of(TakeoverPlan.Step.FENCE), true), r),
        (started, e) -> new DeclareStarted(d, e == null && started));
    return this;
  }

  private Behavior<Command> onDeclareStarted(DeclareStarted s) {
    DeclareDead d = s.request();
    if (!s.started()) {
      d.replyTo().tell(new org.tandemha.protocol.Admin.Reply(1, List.of("declared dead (journaled), but a takeover "
          + "of " + d.host() + " began meanwhile and runs on: if it ends without a confirmed fence, declare it "
          + "dead again")));
      return this;
    }
    fenced.add(d.host());
    storageRole.ifPresent(r -> r.tell(new StorageRoleActor.PeerFenced(d.host())));
    d.replyTo().tell(new org.tandemha.protocol.Admin.Reply(0, List.of(d.host() + " DECLARED DEAD (journaled): its work "
        + "is being taken over as after a confirmed fence; follow it with `tandem events --follow`",
        "keep it off until it is repaired: if it was running after all, its VMs now run twice")));
    return this;
  }

  /**
   * The pool's {@code tandem.*} settings, applied when they change: every actor that decides with them is told, so a
   * {@code tandem config set} reaches every node at its next pool event (within the event wait). A value that does
   * not pass the checks (written by hand with xe) changes nothing: the node keeps its settings and says why.
   */
  private void applyPoolConfig(PoolSnapshot pool) {
    Map<String, String> mine = new java.util.TreeMap<>();
    pool.poolOtherConfig().forEach((k, v) -> {
      if (k.startsWith(org.tandemha.actors.port.PoolConfig.PREFIX)) mine.put(k, v);
    });
    if (mine.equals(poolConfigSeen)) {
      // A supervised child that restarted came back with its settings of spawn time: tell them again.
      if (!settings.equals(startupSettings)) reconfigureChildren(settings);
      return;
    }
    poolConfigSeen = Map.copyOf(mine);
    org.slf4j.Logger log = getContext().getLog();   // not to be touched from the blocking pool's thread
    CompletableFuture.runAsync(() -> ports.config().remember(pool.poolOtherConfig()), blockingIo)
        .whenComplete((ok, e) -> {
          if (e != null) log.warn("config: the pool's settings were not kept for the next start: {}", e.toString());
        });
    org.tandemha.actors.port.PoolConfig.Applied applied = ports.config().settingsFor(pool.poolOtherConfig());
    if (applied.settings().isEmpty()) {
      if (!applied.problem().isEmpty()) {
        getContext().getLog().error("config: the pool's settings are REFUSED, this node keeps its own: {}",
            applied.problem());
      }
      return;
    }
    NodeSettings next = applied.settings().get();
    if (next.equals(settings)) return;
    getContext().getLog().warn("config: pool settings applied: {} -> {}", settings, next);
    settings = next;
    reconfigureChildren(next);
  }

  private void reconfigureChildren(NodeSettings next) {
    quorum.tell(new QuorumActor.Reconfigured(next.ha()));
    restarts.tell(new RestartCoordinator.Reconfigured(next.ha()));
    vapps.tell(new VappCoordinator.Reconfigured(next.ha()));
    hosts.values().forEach(h -> h.tell(new HostActor.Reconfigured(next)));
    vms.values().forEach(v -> v.tell(new VmActor.Reconfigured(next.ha())));
  }

  /** This node's part of {@code tandem status}; quorum, suspension reason, last takeover and storage are added later. */
  private org.tandemha.protocol.NodeReport report() {
    HostId self = settings.self();
    Optional<PoolSnapshot> p = lastPool;
    String role = p.map(x -> x.master().equals(self) ? "master" : "slave").orElse("unknown");
    List<org.tandemha.protocol.NodeReport.HostLine> hostLines = p.map(x -> x.hosts().stream()
        .map(h -> new org.tandemha.protocol.NodeReport.HostLine(h.id().uuid(), h.name(), h.address(), h.enabled(),
            h.live(), h.id().equals(x.master()))).toList()).orElse(List.of());
    boolean realFence = p.map(x -> x.hosts().stream().filter(h -> !h.id().equals(self))
        .allMatch(h -> ports.fence().powersOff(h.id()))).orElse(!ports.fence().device().contains("POOL"));
    String watchdogLine = ports.selfFence().watchdog().map(w -> w.device() + " " + w.timeout().toSeconds() + "s")
        .orElse("none");
    return new org.tandemha.protocol.NodeReport(self.uuid(), p.flatMap(x -> x.host(self)).map(HostView::name).orElse(""),
        org.tandemha.protocol.Version.current(), role, p.map(x -> x.pool().uuid()).orElse(""),
        p.map(x -> x.master().uuid()).orElse(""),
        p.map(x -> x.poolOtherConfig().getOrDefault(settings.ha().field(), "")).orElse(""), settings.ha().opMode(),
        settings.ha().globalVmHa(), armed, suspended, null, p.map(PoolSnapshot::nativeHaEnabled).orElse(false),
        p.map(x -> x.poolOtherConfig().getOrDefault(AUTOPROMOTE_KEY, "")).orElse(""), ports.fence().device(),
        realFence, watchdogLine, null, "none configured", "none", p.map(PoolSnapshot::at).orElse(null),
        lastReadError, hostLines, transport());
  }

  /** How this node talks to its peers, as its ActorSystem was started (ClusterTransport). */
  private String transport() {
    String t = getContext().getSystem().settings().config().getString("akka.remote.artery.transport");
    return t.equals("tls-tcp") ? "mutual TLS" : "INSECURE plain TCP";
  }

  /** iSCSI-HA's pool other-config {@code MANUAL_MODE}: {@code <host-uuid>=enable|primary|secondary}, comma-joined. */
  public static final String MANUAL_MODE_KEY = "MANUAL_MODE";

  static void showManualMode(XapiPort xapi, HostId self, String mode) {
    String now = xapi.readPool().poolOtherConfig().getOrDefault(MANUAL_MODE_KEY, "");
    xapi.setPoolOtherConfig(MANUAL_MODE_KEY, manualModeValue(now, self, mode));
  }

  /** The other hosts' entries kept as they are; this host's replaced, or dropped when automatic. */
  static String manualModeValue(String current, HostId self, String mode) {
    java.util.List<String> entries = new java.util.ArrayList<>();
    for (String e : current.split(",")) {
      if (!e.isBlank() && !e.strip().startsWith(self.uuid() + "=")) entries.add(e.strip());
    }
    if (!mode.equals("automatic")) entries.add(self.uuid() + "=" + mode);
    return String.join(",", entries);
  }

  private static <T> Behavior<T> supervised(Behavior<T> b) {
    return Behaviors.supervise(b).onFailure(
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.POLL, this::poll)
        .onMessageEquals(ReadNow.INSTANCE, this::poll)
        .onMessage(GetReport.class, g -> {
          g.replyTo().tell(report());
          return this;
        })
        .onMessage(GetPool.class, g -> {
          g.replyTo().tell(new PoolView(lastPool, settings.ha(), lastReadError));
          return this;
        })
        .onMessageEquals(Tick.JOIN_CHECK, this::joinCheck)
        .onMessageEquals(Tick.NEVER_SEEN, this::neverSeen)
        .onMessageEquals(Tick.WATCHDOG, () -> {
          ports.service().alive();   // from this tick: a guardian that stalls stops the service's keep-alives too
          watchdog.tell(new WatchdogActor.Tick(lastPool.map(p -> p.hosts().size()).orElse(0)));
          return this;
        })
        .onMessage(PoolRead.class, this::onPoolRead)
        .onMessage(ClusterChange.class, this::onClusterChange)
        .onMessage(WinnerRecorded.class, this::onWinnerRecorded)
        .onMessage(PoolKeyWritten.class, this::onPoolKeyWritten)
        .onMessage(PeerFenced.class, this::onPeerFenced)
        .onMessage(PoolChanged.class, c -> poll())
        .onMessage(StorageServing.class, this::onStorageServing)
        .onMessage(StandingKnown.class, st -> {
          if (!st.armed()) getContext().getLog().warn("arming: DISARMED (as last journaled): no fencing, no takeover");
          if (st.suspended()) {
            getContext().getLog().warn("HA SUSPENDED (as last journaled): this host stays passive and never "
                + "promotes until the master tags it healthy or an operator resumes it");
          }
          armed = st.armed();
          suspended = st.suspended();
          loneRebooted = st.loneRebooted();
          if (loneRebooted) {
            getContext().getLog().warn("lone master: this host rebooted once already while alone (as last journaled); "
                + "it will not reboot again until it has seen its slaves");
          }
          resumeUnfinished(st.unfinished());
          return this;
        })
        .onMessage(SuspendSelf.class, this::onSuspendSelf)
        .onMessage(DeclareDead.class, this::declareDead)
        .onMessage(DeclareProbed.class, this::onDeclareProbed)
        .onMessage(DeclareStep.class, this::onDeclareStep)
        .onMessage(DeclareStarted.class, this::onDeclareStarted)
        .onMessage(OperatorResume.class, r -> {
          if (!suspended) {
            r.replyTo().tell(new org.tandemha.protocol.Admin.Reply(1, List.of("HA is not suspended on this host "
                + settings.self() + ": nothing to resume")));
            return this;
          }
          String source = "operator " + r.who() + " via tandem host resume";
          getContext().ask(akka.Done.class, journal, Duration.ofSeconds(5),
              rr -> new HaJournal.Record(new HaEvent.SuspensionCleared(settings.self(), source, ports.clock().now()), rr),
              (done, e) -> new ResumeJournaled(source, r.replyTo(), e));
          return this;
        })
        .onMessage(ResumeJournaled.class, r -> {
          if (r.error() != null) {
            r.replyTo().tell(new org.tandemha.protocol.Admin.Reply(1, List.of("not resumed: the journal did not record "
                + "it (" + r.error() + ")")));
            return this;
          }
          suspended = false;
          sawUnhealthyTag = false;
          getContext().getLog().warn("HA suspension cleared: {}", r.source());
          r.replyTo().tell(new org.tandemha.protocol.Admin.Reply(0, List.of("HA resumed on " + settings.self()
              + " (journaled): it may take over again")));
          return this;
        })
        .onMessage(SelfFenceNow.class, this::selfFenceNow)
        .onMessage(SuspensionEnded.class, e -> {
          clearing = false;
          if (e.error() != null) {
            getContext().getLog().error("HA suspension NOT cleared ({}): the clearance was not journaled: {}",
                e.source(), e.error().toString());
            return this;
          }
          suspended = false;
          getContext().getLog().info("HA suspension cleared: {}", e.source());
          return this;
        })
        .onMessage(HostTagWritten.class, w -> {
          tagging.remove(w.host());
          if (w.error() != null) getContext().getLog().warn("host {}: tag not written: {}", w.host(), w.error().toString());
          return this;
        })
        .onMessage(ArmingRecorded.class, a -> {
          armed = a.armed();
          getContext().getLog().warn("arming: {}", armed ? "ARMED: fencing and takeover enabled"
              : "DISARMED: observing and restarting halted VMs only; no fencing, no takeover");
          return this;
        })
        .onMessage(MemberJoined.class, this::onMemberJoined)
        .onMessage(AloneWithoutQuorum.class, this::onAlone)
        .onMessage(ReEnableIssued.class, r -> {
          getContext().pipeToSelf(CompletableFuture.runAsync(() -> ports.xapi().reEnableDeclaredDead(r.host()),
              blockingIo), (ok, error) -> new ReEnabled(r.host(), error));
          return this;
        })
        .onMessage(ReEnabled.class, r -> {
          reEnabling.remove(r.host());
          if (r.error() != null) getContext().getLog().warn("host {}: not enabled again: {}", r.host(), r.error().toString());
          return this;
        })
        .onMessage(MasterEnabled.class, m -> {
          enabling = false;
          if (m.error() != null) getContext().getLog().error("maintenance: host.enable failed: {}", m.error().toString());
          return this;
        })
        .onMessage(LoneRebootNotJournaled.class, n -> {
          lonelyRebootPending = false;
          getContext().getLog().error("lone master: reboot not journaled, not rebooting: {}", n.error().toString());
          return this;
        })
        .onMessage(LoneRebootCleared.class, c -> {
          clearingLone = false;
          if (c.error() == null) {
            loneRebooted = false;
            getContext().getLog().info("lone master: every slave seen again, the rebooted-once mark is cleared");
          }
          return this;
        })
        .onMessage(QuorumStanding.class, q -> {
          quorate = q.quorate();
          return this;
        })
        .build();
  }

  /** How long a node may stay outside the cluster before the pool master's node forms it alone. */
  static final Duration JOIN_CHECK = Duration.ofSeconds(10);

  /**
   * How long after this node's start a pool host whose node it has never seen counts as unreachable. Akka only
   * reports members that go away; a host that died while this node was down (a master restarted after a wider
   * outage) never joins, and its VMs would stay Running in the pool database for ever (found by the fuzz runner).
   * Long enough that a cold start of the whole pool does not judge a slow-booting host; the judgement itself is
   * HostActor's as for any lost peer: XAPI probes, the fencing gate, a confirmed fence.
   */
  static final Duration NEVER_SEEN = Duration.ofSeconds(120);
  private final Set<HostId> neverSeenJudged = new HashSet<>();

  private Behavior<Command> neverSeen() {
    var cluster = Cluster.get(getContext().getSystem());
    boolean member = cluster.selfMember().status() == akka.cluster.MemberStatus.up();
    if (!member || lastPool.isEmpty()) {
      timers.startSingleTimer(Tick.NEVER_SEEN, Tick.NEVER_SEEN, JOIN_CHECK);   // not in the cluster yet: later
      return this;
    }
    for (HostView h : lastPool.get().hosts()) {
      if (h.id().equals(settings.self()) || nodesUp.contains(h.id()) || !neverSeenJudged.add(h.id())) continue;
      getContext().getLog().warn("cluster: the node of host {} ({}) has not been seen since this node started {}s "
          + "ago: judged as unreachable", h.id(), h.name(), NEVER_SEEN.toSeconds());
      unreachable.add(h.id());
      hostActor(h.id()).tell(new HostActor.Reachability(false, null, ports.clock().now()));
    }
    return this;
  }
  private int joinChecks;

  /**
   * Seed nodes only join a node to a cluster that exists, or let the first seed form it. A node restarted
   * while the first seed's host is dead would wait for ever, and a node outside the cluster never has
   * quorum. So in a pool without witnesses the node of the XAPI pool master — there is one, the pool says
   * which — forms the cluster itself when no seed has answered; every other node keeps waiting to join it.
   * With witnesses a witness is the first seed and the cluster lives on it: forming another would split it.
   */
  private Behavior<Command> joinCheck() {
    var cluster = Cluster.get(getContext().getSystem());
    var self = cluster.selfMember().address();
    boolean member = java.util.stream.StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .anyMatch(m -> m.address().equals(self));
    if (member) {
      timers.cancel(Tick.JOIN_CHECK);
      return this;
    }
    askToDownFencedNodes(self);
    if (++joinChecks < 2) return this;   // give the seed nodes (and a downed blocker) a round first
    if (!wasMaster.orElse(false) || settings.witnesses() > 0) {
      getContext().getLog().warn("cluster: not joined yet, no seed node answers; waiting ({})", settings.witnesses() > 0
          ? "the witness holds the cluster" : "only the pool master's node forms a cluster alone");
      return this;
    }
    getContext().getLog().warn("cluster: not joined after {} and no seed node answers; this host is the pool master: "
        + "forming the cluster here, the other nodes join it", JOIN_CHECK.multipliedBy(joinChecks));
    cluster.manager().tell(akka.cluster.typed.Join.create(self));
    return this;
  }

  /**
   * A fenced host's node that nobody downed (this node died between the fence and the Down spreading)
   * blocks every join, this node's too: ask each seed's downer to remove it — they refuse a reachable one.
   */
  private void askToDownFencedNodes(akka.actor.Address self) {
    if (fenced.isEmpty()) return;
    var classic = akka.actor.typed.javadsl.Adapter.toClassic(getContext().getSystem());
    for (String seed : getContext().getSystem().settings().config().getStringList("akka.cluster.seed-nodes")) {
      if (seed.equals(self.toString())) continue;
      for (HostId h : fenced) {
        getContext().getLog().info("cluster: asking {} to down the node of fenced host {}", seed, h);
        classic.actorSelection(seed + "/user/" + FencedNodeDowner.NAME).tell(new org.tandemha.protocol.DownFencedNode(h,
            "host " + h + " fenced by " + settings.self() + " (confirmed off, in its journal)"), akka.actor.ActorRef.noSender());
      }
    }
  }

  private Behavior<Command> poll() {
    if (reading) {
      readAgain = true;
      return this;
    }
    reading = true;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(ports.xapi()::readPool, blockingIo), PoolRead::new);
    return this;
  }

  private Behavior<Command> onPoolRead(PoolRead r) {
    reading = false;
    if (readAgain) {
      readAgain = false;
      getContext().getSelf().tell(Tick.POLL);
    }
    if (r.error() != null) {
      // Some failures carry no message (a timeout's cause, say): a null here once stopped the whole node.
      Throwable cause = r.error().getCause() != null ? r.error().getCause() : r.error();
      String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
      if (!why.equals(lastReadError)) getContext().getLog().warn("pool read failed: {}", why);
      lastReadError = why;
      serviceWaiting("waiting for the pool's XAPI: " + why);
      return this;
    }
    lastReadError = "";
    PoolSnapshot pool = r.pool();
    applyPoolConfig(pool);
    isolation.tell(new IsolationActor.PoolSize(pool.hosts().size()));
    lastPool = Optional.of(pool);
    serviceReadyCheck();
    boolean selfIsMaster = pool.master().equals(settings.self());
    storageRole.ifPresent(s -> s.tell(new StorageRoleActor.PoolRole(selfIsMaster, pool.hosts().stream()
        .map(HostView::id).filter(h -> !h.equals(settings.self())).collect(java.util.stream.Collectors.toSet()))));
    if (wasMaster.isEmpty() || wasMaster.get() != selfIsMaster) {
      getContext().getLog().info("role: this host {} is pool {} (master {})", settings.self(),
          selfIsMaster ? "MASTER" : "slave", pool.master());
      wasMaster = Optional.of(selfIsMaster);
    }
    boolean haEnabled = "true".equals(pool.poolOtherConfig().get(settings.ha().field()));
    noteArming(pool.poolOtherConfig().get(ARMED_KEY));
    if (pool.nativeHaEnabled() && !nativeHaWarned) {
      getContext().getLog().error("XenServer's own HA is enabled on this pool: Tandem will not fence or take over "
          + "while it is (disable one of the two)");
    }
    nativeHaWarned = pool.nativeHaEnabled();
    clearSuspensionIfHealthy(pool);
    String standDown = !armed ? "disarmed (pool other-config " + ARMED_KEY + "=false)"
        : pool.nativeHaEnabled() ? "XenServer's own pool HA is enabled"
        : suspended ? "HA suspended on this host: it never promotes until the master tags it healthy or an operator "
            + "resumes it" : "";
    for (HostView h : pool.hosts()) {
      if (h.id().equals(settings.self())) continue;
      hostActor(h.id()).tell(new HostActor.Observed(h, h.id().equals(pool.master()), selfIsMaster, haEnabled,
          pool.hosts().size(), standDown));
    }
    clearLoneRebootIfNotAlone(pool);
    if (haEnabled) duplicates.tell(new DuplicateDomainActor.Observed(pool));
    if (selfIsMaster) {
      if (haEnabled) reEnableIfInMaintenance(pool);
      tagHosts(pool);
      chooseWinner(pool);
      if (haEnabled) {
        for (VmView vm : pool.vms()) {
          if (vm.controlDomain() || vm.template() || vm.snapshot()) continue;
          vmActor(vm).tell(new VmActor.Observed(vm, pool.pool(), true, pool.at()));
        }
        reEnableDeclaredDead(pool);
        if (storageRole.isPresent() && !storageServed) {
          noteRestartsHeld();
        } else if (takeoverStillResetting()) {
          // held: the restarts come in priority order once every VM of the fenced host is shown halted
        } else if (settings.ha().vappMode()) {
          vapps.tell(new VappCoordinator.Round(pool, quorate, Set.copyOf(fenced)));
        } else {
          restarts.tell(new RestartCoordinator.Round(pool, quorate, Set.copyOf(fenced)));
        }
      }
    } else {
      noteWinnerSeen(pool);
    }
    return this;
  }

  private boolean restartsHeldNoted;

  /**
   * A takeover resets the fenced host's VMs one by one; a pool read between two resets shows some of them halted and
   * others still "running" there, so restarting from it would start a later priority class (or a vApp) before an
   * earlier one. The restarts wait for the takeover's end — bounded by {@link #TAKEOVER_HOLD_MAX}.
   */
  private boolean takeoverStillResetting() {
    java.time.Instant now = ports.clock().now();
    resetting.entrySet().removeIf(e -> {
      boolean stale = Duration.between(e.getValue(), now).compareTo(TAKEOVER_HOLD_MAX) > 0;
      if (stale) getContext().getLog().warn("VM restarts go ahead: the takeover of {} has not ended {} after its fence",
          e.getKey(), TAKEOVER_HOLD_MAX);
      return stale;
    });
    if (resetting.isEmpty()) {
      if (takeoverHoldNoted) getContext().getLog().info("takeover ended: VM restarts go ahead");
      takeoverHoldNoted = false;
      return false;
    }
    if (!takeoverHoldNoted) {
      getContext().getLog().info("VM restarts wait: the takeover of {} is still resetting its VMs' power state",
          resetting.keySet());
    }
    takeoverHoldNoted = true;
    return true;
  }

  /**
   * With replicated storage the HA VMs' disks live on it (iSCSI-HA's SR on the floating IP): a master that does not
   * serve it yet — a takeover still handing it over — starts none, or each start would fail on its SR (DESIGN.md's
   * takeover: storage before any VM).
   */
  private void noteRestartsHeld() {
    if (restartsHeldNoted) return;
    restartsHeldNoted = true;
    getContext().getLog().info("VM restarts wait: this master does not serve the replicated storage yet (DRBD "
        + "Primary, target, floating IP); the HA VMs' disks are on it");
  }

  private Behavior<Command> onStorageServing(StorageServing s) {
    boolean was = storageServed;
    storageServed = s.serving();
    if (s.serving() && !was) {
      if (restartsHeldNoted) getContext().getLog().info("storage served here now: VM restarts go ahead");
      restartsHeldNoted = false;
      if (Boolean.TRUE.equals(wasMaster.orElse(false))) poll();   // the held round, now
    }
    return this;
  }

  /**
   * HA-Lizard §4.1: a pool master left in maintenance (enabled=false) while pool HA is on is enabled again —
   * a disabled master would leave no host to restart VMs on after a slave's failure.
   */
  private void reEnableIfInMaintenance(PoolSnapshot pool) {
    boolean disabled = pool.host(settings.self()).map(h -> !h.enabled()).orElse(false);
    if (!disabled || enabling) return;
    enabling = true;
    getContext().getLog().warn("maintenance: this host is pool master with pool HA on but disabled (enabled=false); "
        + "enabling it again, as HA-Lizard does");
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> ports.xapi().enableHost(settings.self()), blockingIo),
        (ok, error) -> new MasterEnabled(error));
  }

  /**
   * A host Tandem declared dead (OP_MODE 1, so XAPI would not place vApp members on it) is enabled again once
   * its node is back in the cluster and XAPI sees it live — journaled first.
   */
  private void reEnableDeclaredDead(PoolSnapshot pool) {
    for (HostView h : pool.hosts()) {
      if (h.enabled() || !h.live() || !h.otherConfig().containsKey(XapiPort.DECLARED_DEAD_KEY)) continue;
      if (!nodesUp.contains(h.id()) || unreachable.contains(h.id()) || fenced.contains(h.id())) continue;
      if (!reEnabling.add(h.id())) continue;
      String reason = "declared dead at " + h.otherConfig().get(XapiPort.DECLARED_DEAD_KEY)
          + "; its node rejoined and XAPI sees it live";
      getContext().getLog().info("host {}: enabling again: {}", h.name(), reason);
      getContext().ask(akka.Done.class, journal, Duration.ofSeconds(5),
          replyTo -> new HaJournal.Record(new HaEvent.HostReEnabled(h.id(), reason, ports.clock().now()), replyTo),
          (done, e) -> e == null ? new ReEnableIssued(h.id()) : new ReEnabled(h.id(), e));
    }
  }

  /**
   * HA-Lizard's host tag (other-config {@code <XC_FIELD_NAME>}): the master marks itself {@code master} and
   * every slave whose node it can reach {@code healthy}; a suspended slave reads that as "you may resume".
   */
  private void tagHosts(PoolSnapshot pool) {
    String field = settings.ha().field();
    for (HostView h : pool.hosts()) {
      boolean self = h.id().equals(settings.self());
      String want = self ? "master" : "healthy";
      if (!self && (!h.enabled() || fenced.contains(h.id()) || unreachable.contains(h.id()))) continue;
      if (want.equals(h.otherConfig().get(field)) || !tagging.add(h.id())) continue;
      getContext().pipeToSelf(CompletableFuture.runAsync(() -> ports.xapi().setHostOtherConfig(h.id(), field, want),
          blockingIo), (ok, error) -> new HostTagWritten(h.id(), error));
    }
  }

  /**
   * A suspended host resumes when the master tags it {@code healthy}: only a tag written after the suspension
   * counts, so the host first needs to see its tag other than {@code healthy} (the master's {@code failed},
   * or {@code suspended}, which it writes itself when the tag of before its failure is still there).
   */
  private void clearSuspensionIfHealthy(PoolSnapshot pool) {
    if (!suspended || pool.master().equals(settings.self())) return;
    String field = settings.ha().field();
    String tag = pool.host(settings.self()).map(h -> h.otherConfig().get(field)).orElse(null);
    if (!"healthy".equals(tag)) {
      sawUnhealthyTag = true;
      return;
    }
    if (!sawUnhealthyTag) {
      if (tagging.add(settings.self())) {
        getContext().pipeToSelf(CompletableFuture.runAsync(
            () -> ports.xapi().setHostOtherConfig(settings.self(), field, "suspended"), blockingIo),
            (ok, error) -> new HostTagWritten(settings.self(), error));
      }
      return;
    }
    if (clearing) return;
    clearing = true;
    String source = "the master (" + pool.master() + ") tagged this host healthy";
    getContext().ask(akka.Done.class, journal, Duration.ofSeconds(5),
        r -> new HaJournal.Record(new HaEvent.SuspensionCleared(settings.self(), source, ports.clock().now()), r),
        (done, e) -> new SuspensionEnded(source, e));
  }

  /**
   * A takeover journaled as begun and never as ended: this node died in the middle of it. With the peer
   * confirmed off in the journal it is resumed at once (its steps are idempotent); without, the peer is
   * judged anew when next seen lost.
   */
  private void resumeUnfinished(HaJournal.Unfinished u) {
    if (u == null) return;
    if (!u.fenceConfirmed()) {
      getContext().getLog().warn("takeover of {} was begun before this node stopped, but no fence was confirmed: "
          + "nothing of it is resumed; the host is judged anew", u.lost());
      return;
    }
    getContext().getLog().warn("takeover of {} ({}) was interrupted by this node's stop after {}: resuming it",
        u.lost(), u.kind(), u.done());
    fenced.add(u.lost());
    hostActor(u.lost()).tell(new HostActor.Resume(u.progress()));
  }

  /** Journaled first; then this host fences itself once. After the restart the journal keeps it passive. */
  private Behavior<Command> onSuspendSelf(SuspendSelf s) {
    if (suspended) return this;
    suspended = true;
    getContext().getLog().error("HA SUSPENSION: {}; self-fencing via {}", s.reason(), ports.selfFence().method());
    getContext().ask(akka.Done.class, journal, Duration.ofSeconds(5),
        r -> new HaJournal.Record(new HaEvent.Suspended(settings.self(), s.reason(), ports.clock().now()), r),
        (done, e) -> new SelfFenceNow(s.reason()));
    return this;
  }

  private Behavior<Command> selfFenceNow(SelfFenceNow s) {
    CompletableFuture.runAsync(() -> ports.selfFence().fire(s.reason()), blockingIo);
    return this;
  }

  /** A change of the pool's arming switch is journaled before it takes effect; a bad value changes nothing. */
  private void noteArming(String poolValue) {
    String value = poolValue == null ? "true" : poolValue;
    if (value.equals(lastArmingValue)) return;
    lastArmingValue = value;
    if (!value.equals("true") && !value.equals("false")) {
      getContext().getLog().error("pool other-config {}=\"{}\" is neither true nor false: arming unchanged ({})",
          ARMED_KEY, value, armed ? "armed" : "disarmed");
      return;
    }
    boolean wanted = value.equals("true");
    if (wanted == armed) return;
    boolean was = armed;
    getContext().ask(akka.Done.class, journal, Duration.ofSeconds(5),
        r -> new HaJournal.Record(new HaEvent.ArmingChanged(wanted, "pool other-config " + ARMED_KEY + "=" + value,
            ports.clock().now()), r),
        (done, e) -> new ArmingRecorded(e == null ? wanted : was));
  }

  private void chooseWinner(PoolSnapshot pool) {
    if (writingWinner) return;
    // Eligible: enabled, not fenced, not suspended, and its node up and reachable in this master's cluster.
    Set<HostId> suspendedHosts = new HashSet<>();
    for (HostView h : pool.hosts()) {
      if ("suspended".equals(h.otherConfig().get(settings.ha().field()))) suspendedHosts.add(h.id());
    }
    Set<HostId> quorate = new HashSet<>(nodesUp);
    quorate.removeAll(unreachable);
    Optional<HostId> preferred = Optional.ofNullable(pool.poolOtherConfig().get(PREFERRED_KEY))
        .filter(v -> !v.isBlank()).map(String::trim).map(HostId::new);
    Autopromote.Choice c = Autopromote.choose(new Autopromote.Evidence(pool, fenced, suspendedHosts, quorate, preferred));
    writingWinner = true;
    getContext().ask(StatusReply.class, autopromote, Duration.ofSeconds(5),
        r -> new AutopromoteActor.ChooseWinner(pool.pool(), c.winner(), c.reason(), ports.clock().now(),
            Optional.of(pool.master()), castReply(r)),
        (reply, error) -> new WinnerRecorded(pool, c.winner(),
            error != null ? error : reply.isError() ? reply.getError() : null));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ActorRef<StatusReply<Done>> castReply(ActorRef<StatusReply> r) { return (ActorRef) r; }

  /** Persisted first; then written to pool other-config for HA-Lizard compatibility and for the slaves. */
  private Behavior<Command> onWinnerRecorded(WinnerRecorded w) {
    if (w.error() != null) {
      writingWinner = false;
      getContext().getLog().warn("autopromote winner not recorded: {}", w.error().toString());
      return this;
    }
    String value = Autopromote.poolValue(w.winner());
    if (value.equals(w.pool().poolOtherConfig().get(AUTOPROMOTE_KEY))) {
      writingWinner = false;
      return this;
    }
    getContext().getLog().info("autopromote: winner {} written to pool other-config {}", value, AUTOPROMOTE_KEY);
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> ports.xapi().setPoolOtherConfig(AUTOPROMOTE_KEY, value),
        blockingIo), (ok, error) -> new PoolKeyWritten(AUTOPROMOTE_KEY, value, error));
    return this;
  }

  private Behavior<Command> onPoolKeyWritten(PoolKeyWritten p) {
    writingWinner = false;
    if (p.error() != null) getContext().getLog().warn("pool other-config {}={} not written: {}", p.key(), p.value(),
        p.error().toString());
    return this;
  }

  /** A slave keeps the winner it last saw, so the decision holds while XAPI is down. */
  private void noteWinnerSeen(PoolSnapshot pool) {
    String value = pool.poolOtherConfig().get(AUTOPROMOTE_KEY);
    if (value == null) return;
    Optional<HostId> seen = Autopromote.fromPoolValue(value, pool);
    getContext().ask(StatusReply.class, autopromote, Duration.ofSeconds(5),
        r -> new AutopromoteActor.ChooseWinner(pool.pool(), seen, "seen in pool other-config " + AUTOPROMOTE_KEY,
            ports.clock().now(), Optional.of(pool.master()), castReply(r)),
        (reply, error) -> new PoolKeyWritten("(local) autopromote winner", value,
            error != null ? error : reply.isError() ? reply.getError() : null));
  }

  private Behavior<Command> onClusterChange(ClusterChange c) {
    Member m = c.event().member();
    boolean reachable = c.event() instanceof ClusterEvent.ReachableMember;
    m.getRoles().stream().filter(role -> role.startsWith("host-")).map(role -> new HostId(role.substring(5)))
        .forEach(h -> {
          if (reachable) unreachable.remove(h);
          else unreachable.add(h);
        });
    m.getRoles().stream().filter(role -> role.startsWith("host-")).map(role -> new HostId(role.substring(5)))
        .filter(h -> !h.equals(settings.self()))
        .forEach(h -> {
          getContext().getLog().info("cluster: node of host {} is {}", h, reachable ? "reachable" : "UNREACHABLE");
          hostActor(h).tell(new HostActor.Reachability(reachable, m.address(), ports.clock().now()));
        });
    readPoolOnMembershipChange();
    return this;
  }

  /**
   * Who may be autopromote winner and which slaves are tagged follow the members this node reaches: the pool is read
   * at once when they change, not at the next monitor-delay (15 s, HA-Lizard's MONITOR_DELAY) — that is a safety net.
   */
  private void readPoolOnMembershipChange() {
    getContext().getSelf().tell(Tick.POLL);
  }

  /** What the node waits for before it is ready, for {@code systemctl status} (told once per change). */
  private void serviceWaiting(String why) {
    if (serviceReady || why.equals(serviceStatus)) return;
    serviceStatus = why;
    ports.service().status("starting: " + (selfUp || why.startsWith("joining") ? why : "joining the cluster; " + why));
  }

  /** Ready once: in the cluster and the pool read (issue #11: a restarted service is up only when it can act). */
  private void serviceReadyCheck() {
    if (serviceReady || !selfUp || lastPool.isEmpty()) return;
    serviceReady = true;
    PoolSnapshot pool = lastPool.get();
    String status = String.format("ready: host %s in the cluster, pool read (%d hosts, %d VMs, master %s)",
        settings.self(), pool.hosts().size(), pool.vms().size(), pool.master());
    ports.service().ready(status);
    getContext().getLog().info("service: {}", status);
  }

  /** A fenced host's node joining again means the host was powered back on: it may be chosen again. */
  private Behavior<Command> onMemberJoined(MemberJoined m) {
    Member member = m.event().member();
    getContext().getLog().info("cluster: node {} is up (roles {})", member.address(), member.getRoles());
    if (member.uniqueAddress().equals(Cluster.get(getContext().getSystem()).selfMember().uniqueAddress())) {
      selfUp = true;
      serviceReadyCheck();
    }
    member.getRoles().stream().filter(role -> role.startsWith("host-")).map(role -> new HostId(role.substring(5)))
        .filter(h -> !h.equals(settings.self()))
        .forEach(h -> {
          nodesUp.add(h);
          unreachable.remove(h);   // a new incarnation of the node: the old one's unreachability is history
          resetting.remove(h);
          if (fenced.remove(h)) getContext().getLog().info("host {}: rejoined after its fence", h);
          storageRole.ifPresent(s -> s.tell(new StorageRoleActor.PeerBack(h)));   // no longer gone: judged anew
          hostActor(h).tell(new HostActor.Reachability(true, member.address(), ports.clock().now()));
        });
    readPoolOnMembershipChange();
    return this;
  }

  private Behavior<Command> onPeerFenced(PeerFenced p) {
    fenced.add(p.host());
    if (p.takeoverEnded()) resetting.remove(p.host());
    else resetting.putIfAbsent(p.host(), ports.clock().now());
    storageRole.ifPresent(s -> s.tell(new StorageRoleActor.PeerFenced(p.host())));
    // HA-Lizard §2.7 step 1: the fenced host is tagged failed; only the master's "healthy" undoes that, so
    // a suspended host that comes back cannot mistake the tag of before its failure for a clearance.
    String field = settings.ha().field();
    if (tagging.add(p.host())) {
      getContext().pipeToSelf(CompletableFuture.runAsync(() -> ports.xapi().setHostOtherConfig(p.host(), field, "failed"),
          blockingIo), (ok, error) -> new HostTagWritten(p.host(), error));
    }
    getContext().getSelf().tell(Tick.POLL);
    return this;
  }

  private ActorRef<HostActor.Command> hostActor(HostId h) {
    return hosts.computeIfAbsent(h, id -> getContext().spawn(supervised(HostActor.create(id, settings, takeoverPorts,
        takeoverPeers, autopromote, getContext().messageAdapter(HostActor.Report.class, NodeGuardian::fromHost))),
        "host-" + id.uuid()));
  }

  private static Command fromHost(HostActor.Report r) {
    if (r instanceof HostActor.PeerFenced f) return new PeerFenced(f.host(), f.takeoverEnded());
    if (r instanceof HostActor.SlaveLostWithoutQuorum l) return new AloneWithoutQuorum(l.slave(), l.reason());
    return new SuspendSelf(((HostActor.Suspend) r).reason());
  }

  /**
   * HA-Lizard's lone-master rule (§2.5): a master that cannot recover a lost slave for lack of quorum and
   * sees no slave at all is the isolated one. With FENCE_REBOOT_LONE_HOST it reboots once — journaled
   * first, so a host that comes back still alone does not reboot again — releasing its work to the side
   * that may be quorate.
   */
  private Behavior<Command> onAlone(AloneWithoutQuorum a) {
    if (!Boolean.TRUE.equals(wasMaster.orElse(false)) || lonelyRebootPending) return this;
    long slavesReachable = lastPool.map(p -> p.hosts().stream()
        .filter(h -> !h.id().equals(settings.self()) && h.enabled())
        .filter(h -> nodesUp.contains(h.id()) && !unreachable.contains(h.id())).count()).orElse(0L);
    LoneMaster.Decision d = LoneMaster.assess(new LoneMaster.Evidence((int) slavesReachable, 1, quorate,
        settings.fencing().rebootLoneHost(), loneRebooted));
    getContext().getLog().warn("lone master check after slave {} was lost without quorum: {}", a.slave(), d.reason());
    if (!d.reboot()) return this;
    lonelyRebootPending = true;
    getContext().ask(akka.Done.class, journal, Duration.ofSeconds(5),
        r -> new HaJournal.Record(new HaEvent.LoneMasterReboot(settings.self(), d.reason(), ports.clock().now()), r),
        (done, e) -> e == null ? new SelfFenceNow("lone master: " + d.reason()) : new LoneRebootNotJournaled(e));
    return this;
  }

  /** §2.5 step 3: a round that sees every other host's node again ends the "rebooted once" mark. */
  private void clearLoneRebootIfNotAlone(PoolSnapshot pool) {
    if (!loneRebooted || clearingLone) return;
    boolean allSeen = pool.hosts().stream().filter(h -> !h.id().equals(settings.self()) && h.enabled())
        .allMatch(h -> nodesUp.contains(h.id()) && !unreachable.contains(h.id()));
    if (!allSeen) return;
    clearingLone = true;
    getContext().ask(akka.Done.class, journal, Duration.ofSeconds(5),
        r -> new HaJournal.Record(new HaEvent.LoneMasterRebootCleared(settings.self(),
            "every slave's node is reachable again", ports.clock().now()), r),
        (done, e) -> new LoneRebootCleared(e));
  }

  private ActorRef<VmActor.Command> vmActor(VmView vm) {
    return vms.computeIfAbsent(vm.id(), id -> getContext().spawn(supervised(VmActor.create(settings.self(),
        settings.ha(), ports.xapi(), journal, ports.clock(), blockingIo)), "vm-" + id.uuid()));
  }
}
