package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.tandemha.actors.decide.ManualMode;
import org.tandemha.actors.decide.RestartOrder;
import org.tandemha.actors.decide.VmChoice;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.XapiPort;
import org.tandemha.protocol.Admin;
import org.tandemha.protocol.CborSerializable;
import org.tandemha.protocol.FenceOutcome;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.NodeReport;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.VmView;

/**
 * The node's side of the {@code tandem} CLI (the admin socket hands it each request). Found through the
 * Receptionist, so the socket — and later other nodes' AdminActors — reach it without knowing its path.
 * {@code fence HOST --really}: a fence an operator asks for, through the same FenceAgentActor and devices as any
 * other, so it is journaled (request, then outcome) and confirmed only by the power read back off.
 * {@code status} and {@code host list} ask every other node's AdminActor too ({@link StatusRound}); settings an
 * operator changes are journaled before they are written ({@link SettingChange}).
 */
public final class AdminActor extends AbstractBehavior<AdminActor.Command> {
  public sealed interface Command {}
  /** @param who the operator, as the socket's peer credentials name them (e.g. {@code root}) */
  public record Ask(Admin.Request request, String who, ActorRef<Admin.Reply> replyTo) implements Command {
    public Ask(Admin.Request request, ActorRef<Admin.Reply> replyTo) { this(request, "unknown user", replyTo); }
  }
  /** Another node's status round asks for this node's report. */
  public record PeerReport(ActorRef<NodeReport> replyTo) implements Command, CborSerializable {}
  private record Listed(Receptionist.Listing listing) implements Command {}
  /** {@code tandem host resume HOST}, asked on any node, carried to HOST's own node. */
  public record ResumeHere(String who, ActorRef<Admin.Reply> replyTo) implements Command, CborSerializable {}
  private record HostNodeFound(Set<ActorRef<Command>> refs, HostId host, Ask ask) implements Command {}
  /** @param fresh read from XAPI just now (a change is judged on it), not the guardian's last read */
  private record PoolKnown(Ask ask, NodeGuardian.PoolView view, boolean fresh) implements Command {
    PoolKnown(Ask ask, NodeGuardian.PoolView view) { this(ask, view, false); }
  }

  /** The node's parts the cluster-wide and settings verbs need; absent in tests of the fence and storage verbs. */
  public record Node(ActorRef<NodeGuardian.Command> guardian, ActorRef<QuorumActor.Command> quorum,
                     ActorRef<HaJournal.Command> journal, XapiPort xapi, Clock clock, Executor blockingIo,
                     HaSettings ha, ActorRef<AlertActor.Command> alerts, org.tandemha.actors.port.PoolConfig config) {}

  /**
   * @param storage the storage role actor, when this host has replicated storage
   * @param node    the guardian and its parts, when this actor runs in a node
   */
  public record Sources(ActorRef<FenceAgentActor.Command> fence, Optional<ActorRef<StorageRoleActor.Command>> storage,
                        Optional<Node> node) {}
  private record Fenced(FenceOutcome outcome, ActorRef<Admin.Reply> replyTo) implements Command {}
  private record StorageStatusKnown(StorageRoleActor.Status status, ActorRef<Admin.Reply> replyTo) implements Command {}
  private record ManualDone(ManualMode.Outcome outcome, ActorRef<Admin.Reply> replyTo) implements Command {}

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "tandem-admin");

  /** Each node's AdminActor is also found by its host, for verbs that act on that host's own node. */
  static ServiceKey<Command> keyOf(HostId host) {
    return ServiceKey.create(Command.class, "tandem-admin-" + host.uuid());
  }
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  public static Behavior<Command> create(HostId self, ActorRef<FenceAgentActor.Command> fence) {
    return create(self, fence, Optional.empty());
  }

  public static Behavior<Command> create(HostId self, ActorRef<FenceAgentActor.Command> fence,
                                         Optional<ActorRef<StorageRoleActor.Command>> storage) {
    return create(self, new Sources(fence, storage, Optional.empty()));
  }

  public static Behavior<Command> create(HostId self, Sources sources) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      ctx.getSystem().receptionist().tell(Receptionist.register(keyOf(self), ctx.getSelf()));
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY,
          ctx.messageAdapter(Receptionist.Listing.class, Listed::new)));
      return new AdminActor(ctx, self, sources);
    });
  }

  private final HostId self;
  private final ActorRef<FenceAgentActor.Command> fence;
  private final Optional<ActorRef<StorageRoleActor.Command>> storage;
  private final Optional<Node> node;
  private Set<ActorRef<Command>> others = Set.of();

  private AdminActor(ActorContext<Command> ctx, HostId self, Sources sources) {
    super(ctx);
    this.self = self;
    this.fence = sources.fence();
    this.storage = sources.storage();
    this.node = sources.node();
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Ask.class, this::onAsk)
        .onMessage(Listed.class, l -> {
          others = Set.copyOf(l.listing().getAllServiceInstances(KEY).stream()
              .filter(r -> !r.equals(getContext().getSelf())).toList());
          return this;
        })
        .onMessage(PeerReport.class, p -> {
          if (node.isPresent()) {
            getContext().spawnAnonymous(NodeReportGatherer.create(self, node.get(), storage, p.replyTo()));
          }
          return this;
        })
        .onMessage(PoolKnown.class, this::onPool)
        .onMessage(ResumeHere.class, r -> {
          node.ifPresentOrElse(n -> n.guardian().tell(new NodeGuardian.OperatorResume(r.who(), r.replyTo())),
              () -> r.replyTo().tell(new Admin.Reply(1, List.of("this admin actor runs without a node"))));
          return this;
        })
        .onMessage(HostNodeFound.class, f -> {
          var refs = f.refs();
          if (refs.isEmpty()) {
            f.ask().replyTo().tell(new Admin.Reply(1, List.of("the Tandem node of " + f.host() + " is not reachable "
                + "from here: run `tandem host resume` on that host, once its node runs")));
          } else {
            refs.iterator().next().tell(new ResumeHere(f.ask().who() + " (from " + self.uuid() + ")", f.ask().replyTo()));
          }
          return this;
        })
        .onMessage(Fenced.class, this::onFenced)
        .onMessage(StorageStatusKnown.class, s -> {
          java.time.Instant now = java.time.Instant.now();
          s.replyTo().tell(new Admin.Reply(0, StorageScreen.lines(s.status(), now), StorageScreen.data(s.status(), now)));
          return this;
        })
        .onMessage(ManualDone.class, m -> {
          m.replyTo().tell(new Admin.Reply(m.outcome().accepted() ? 0 : 1, m.outcome().lines()));
          return this;
        })
        .build();
  }

  private Behavior<Command> onAsk(Ask a) {
    if (a.request() instanceof Admin.Fence f) return fence(f, a.replyTo());
    if (a.request() instanceof Admin.Status || a.request() instanceof Admin.HostList
        || a.request() instanceof Admin.VmList || a.request() instanceof Admin.PoolSwitch
        || a.request() instanceof Admin.VmSet || a.request() instanceof Admin.Alerts
        || a.request() instanceof Admin.ConfigGet || a.request() instanceof Admin.ConfigSet
        || a.request() instanceof Admin.HostAction) {
      if (node.isEmpty()) {
        a.replyTo().tell(new Admin.Reply(1, List.of("this admin actor runs without a node: " + a.request()
            + " cannot be answered here")));
        return this;
      }
      Node n = node.get();
      if (a.request() instanceof Admin.Alerts al) {
        switch (al.verb()) {
          case "test" -> n.alerts().tell(new AlertActor.Test(a.who(), a.replyTo()));
          case "list" -> n.alerts().tell(new AlertActor.Recent(a.replyTo()));
          case "clear" -> n.alerts().tell(new AlertActor.Clear(a.replyTo()));
          default -> a.replyTo().tell(new Admin.Reply(2, List.of("unknown alerts verb \"" + al.verb()
              + "\": test, list or clear")));
        }
      } else if (a.request() instanceof Admin.Status) {
        getContext().spawnAnonymous(StatusRound.create(self, n, storage, others,
            (local, peers, silent) -> NodeStatusScreen.status(local, peers, silent, Instant.now()), a.replyTo()));
      } else if (a.request() instanceof Admin.HostList) {
        getContext().spawnAnonymous(StatusRound.create(self, n, storage, others, NodeStatusScreen::hosts, a.replyTo()));
      } else {
        getContext().ask(NodeGuardian.PoolView.class, n.guardian(), java.time.Duration.ofSeconds(5),
            NodeGuardian.GetPool::new, (v, e) -> e == null ? new PoolKnown(a, v)
                : new PoolKnown(a, new NodeGuardian.PoolView(Optional.empty(), n.ha(), "the node did not answer: " + e)));
      }
      return this;
    }
    if (a.request() instanceof Admin.StorageStatus || a.request() instanceof Admin.StorageManual
        || a.request() instanceof Admin.StorageSplitBrainResolve) {
      if (storage.isEmpty()) {
        a.replyTo().tell(new Admin.Reply(1, List.of("this host has no replicated storage configured (tandem.storage.resources)")));
        return this;
      }
      if (a.request() instanceof Admin.StorageManual m) return manual(m, a.replyTo());
      if (a.request() instanceof Admin.StorageSplitBrainResolve r) return resolve(r, a.replyTo());
      ActorRef<Admin.Reply> replyTo = a.replyTo();
      getContext().ask(StorageRoleActor.Status.class, storage.get(), java.time.Duration.ofSeconds(5),
          StorageRoleActor.GetStatus::new, (s, e) -> e == null ? new StorageStatusKnown(s, replyTo)
              : new ManualDone(new ManualMode.Outcome(false, Optional.empty(), List.of("the storage role actor did not "
                  + "answer: " + e)), replyTo));
      return this;
    }
    a.replyTo().tell(new Admin.Reply(2, List.of("unknown request " + a.request())));
    return this;
  }

  /** The pool as the guardian last read it, for the VM verbs and the pool switches. */
  private Behavior<Command> onPool(PoolKnown k) {
    Ask a = k.ask();
    if (k.view().pool().isEmpty()) {
      a.replyTo().tell(new Admin.Reply(1, List.of("the pool has not been read yet"
          + (k.view().readError().isEmpty() ? "" : ": " + k.view().readError()) + "; nothing changed")));
      return this;
    }
    Node n = node.get();
    boolean writes = a.request() instanceof Admin.ConfigSet || a.request() instanceof Admin.PoolSwitch
        || a.request() instanceof Admin.VmSet
        // declare-dead and resume are judged by the guardian on its own reads: a fresh read goes to the master,
        // which may be the very host being declared dead
        || a.request() instanceof Admin.HostAction h && h.verb().startsWith("maintenance");
    if (writes && !k.fresh()) {
      // A change is judged on the pool as it is now: the guardian's last read may predate a change just made.
      getContext().pipeToSelf(java.util.concurrent.CompletableFuture.supplyAsync(n.xapi()::readPool, n.blockingIo()),
          (pool, e) -> new PoolKnown(a, new NodeGuardian.PoolView(Optional.ofNullable(pool), k.view().ha(),
              e == null ? "" : "the pool cannot be read now: " + e.getMessage()), true));
      return this;
    }
    PoolSnapshot pool = k.view().pool().get();
    HaSettings ha = k.view().ha();   // as the node applies them now (pool settings included)
    if (a.request() instanceof Admin.VmList) {
      a.replyTo().tell(VmScreen.list(pool, ha));
      return this;
    }
    if (a.request() instanceof Admin.ConfigGet g) {
      a.replyTo().tell(ConfigScreen.get(n.config().effective(pool.poolOtherConfig()), g.name()));
      return this;
    }
    if (a.request() instanceof Admin.ConfigSet s) return configSet(s, a, pool, n);
    if (a.request() instanceof Admin.HostAction h) return hostAction(h, a, pool, n);
    if (a.request() instanceof Admin.PoolSwitch s) return poolSwitch(s, a, pool, n, ha);
    return vmSet((Admin.VmSet) a.request(), a, pool, n, ha);
  }

  /**
   * {@code config set | restore | reset-defaults | import-halizard}: every value checked (each against the ones before
   * it), nothing written unless all pass; unchanged values skipped; then one journaled change for all.
   */
  private Behavior<Command> configSet(Admin.ConfigSet s, Ask a, PoolSnapshot pool, Node n) {
    ConfigScreen.Plan plan = ConfigScreen.plan(n.config(), pool.poolOtherConfig(), s);
    if (!plan.problems().isEmpty()) {
      a.replyTo().tell(new Admin.Reply(2, plan.problems()));
      return this;
    }
    if (plan.changes().isEmpty()) {
      List<String> lines = new java.util.ArrayList<>(plan.notes());
      lines.add("nothing changed: every value is already so");
      a.replyTo().tell(new Admin.Reply(0, lines));
      return this;
    }
    String source = a.who() + " via tandem config " + s.how() + " on " + self.uuid();
    List<HaEvent.ConfigChanged> events = plan.changes().stream().map(c -> new HaEvent.ConfigChanged("pool", c.key(),
        n.config().isSecret(c.name()) ? "****" : pool.poolOtherConfig().getOrDefault(c.key(), ""),
        n.config().isSecret(c.name()) ? "****" : c.value(), source, n.clock().now())).toList();
    List<String> done = new java.util.ArrayList<>(plan.notes());
    done.addAll(plan.done());
    getContext().spawnAnonymous(SettingChange.create(n, new SettingChange.Change(events,
        () -> plan.changes().forEach(c -> n.xapi().setPoolOtherConfig(c.key(), c.value())), done), a.replyTo()));
    return this;
  }

  private Behavior<Command> poolSwitch(Admin.PoolSwitch s, Ask a, PoolSnapshot pool, Node n, HaSettings ha) {
    String key;
    String value;
    List<String> done;
    switch (s.verb()) {
      case "enable" -> {
        key = ha.field();
        value = "true";
        done = List.of("Success: pool HA enabled (pool other-config " + key + "=true); every node follows at its next "
            + "pool read");
      }
      case "disable" -> {
        key = ha.field();
        value = "false";
        done = List.of("Success: pool HA disabled (pool other-config " + key + "=false): no VM is restarted until "
            + "`tandem enable`; fencing of lost hosts stays armed (`tandem disarm` stops it)");
      }
      case "arm" -> {
        key = NodeGuardian.ARMED_KEY;
        value = "true";
        done = List.of("ARMED: fencing and takeover enabled on every node (pool other-config " + key + "=true)");
      }
      case "disarm" -> {
        key = NodeGuardian.ARMED_KEY;
        value = "false";
        done = List.of("DISARMED: no node fences or takes over until `tandem arm`; halted HA VMs are still restarted "
            + "while the pool HA is enabled (pool other-config " + key + "=false)");
      }
      default -> {
        a.replyTo().tell(new Admin.Reply(2, List.of("unknown switch \"" + s.verb() + "\": enable, disable, arm or disarm")));
        return this;
      }
    }
    String from = pool.poolOtherConfig().getOrDefault(key, "");
    if (from.equals(value)) {
      a.replyTo().tell(new Admin.Reply(0, List.of("already " + s.verb() + (s.verb().endsWith("e") ? "d" : "ed")
          + " (pool other-config " + key + "=" + value + "): nothing changed")));
      return this;
    }
    HaEvent.ConfigChanged event = new HaEvent.ConfigChanged("pool", key, from, value,
        a.who() + " via tandem " + s.verb() + " on " + self.uuid(), n.clock().now());
    getContext().spawnAnonymous(SettingChange.create(n, new SettingChange.Change(event,
        () -> n.xapi().setPoolOtherConfig(key, value), done), a.replyTo()));
    return this;
  }

  private Behavior<Command> vmSet(Admin.VmSet s, Ask a, PoolSnapshot pool, Node n, HaSettings ha) {
    VmChoice.Result chosen = VmChoice.choose(pool.vms(), s.vm());
    if (!chosen.found()) {
      a.replyTo().tell(new Admin.Reply(2, List.of(chosen.problem().split("\n"))));
      return this;
    }
    VmView vm = chosen.vm();
    String key;
    String value;
    List<String> done;
    if (s.setting().equals("ha")) {
      value = s.value().toLowerCase(Locale.ROOT);
      if (!value.equals("true") && !value.equals("false")) {
        a.replyTo().tell(new Admin.Reply(2, List.of("tandem vm set-ha: \"" + s.value() + "\" must be true or false")));
        return this;
      }
      key = ha.vmFieldKey();
      String note = ha.vappMode() ? " (note: OP_MODE=1 manages vApps as units; this field is not read)"
          : ha.globalVmHa() ? " (note: GLOBAL_VM_HA=1 manages every VM; this field is read only with GLOBAL_VM_HA=0)"
          : "";
      done = List.of("Success: VM " + vm.name() + " (" + vm.id().uuid() + ") updated to HA status: " + value + note);
    } else if (s.setting().equals("priority")) {
      if (s.value().equals("default")) {
        value = "";
      } else if (s.value().matches("\\d{1,4}")) {
        value = String.valueOf(Integer.parseInt(s.value()));
      } else {
        a.replyTo().tell(new Admin.Reply(2, List.of("tandem vm set-priority: \"" + s.value() + "\" must be a whole "
            + "number 0-9999 (lower restarts earlier) or default (XAPI's order)")));
        return this;
      }
      key = RestartOrder.PRIORITY_KEY;
      done = List.of("Success: VM " + vm.name() + " (" + vm.id().uuid() + ") restart priority "
          + (value.isEmpty() ? "back to XAPI's order (" + vm.order() + ")" : value + " (lower restarts earlier)"));
    } else {
      a.replyTo().tell(new Admin.Reply(2, List.of("unknown VM setting \"" + s.setting() + "\"")));
      return this;
    }
    String from = vm.otherConfig().getOrDefault(key, "");
    HaEvent.ConfigChanged event = new HaEvent.ConfigChanged("vm " + vm.id().uuid() + " (" + vm.name() + ")", key, from,
        value, a.who() + " via tandem vm set-" + s.setting() + " on " + self.uuid(), n.clock().now());
    String k = key;
    String v = value;
    getContext().spawnAnonymous(SettingChange.create(n, new SettingChange.Change(event,
        () -> n.xapi().setVmOtherConfig(vm.id(), k, v), done), a.replyTo()));
    return this;
  }

  /** {@code tandem host resume | declare-dead | maintenance enable|disable HOST}. */
  private Behavior<Command> hostAction(Admin.HostAction h, Ask a, PoolSnapshot pool, Node n) {
    List<org.tandemha.protocol.HostView> byUuid = pool.hosts().stream()
        .filter(x -> x.id().uuid().equalsIgnoreCase(h.host())).toList();
    List<org.tandemha.protocol.HostView> byName = pool.hosts().stream().filter(x -> x.name().equals(h.host())).toList();
    List<org.tandemha.protocol.HostView> found = !byUuid.isEmpty() ? byUuid : byName;
    if (found.size() != 1) {
      a.replyTo().tell(new Admin.Reply(2, List.of(found.isEmpty() ? "no host of this pool is named \"" + h.host()
          + "\" or has that UUID (`tandem host list`)" : "host name \"" + h.host() + "\" is ambiguous: "
          + found.stream().map(x -> x.id().uuid()).toList() + "; give the UUID")));
      return this;
    }
    org.tandemha.protocol.HostView host = found.get(0);
    switch (h.verb()) {
      case "resume" -> {
        if (host.id().equals(self)) {
          n.guardian().tell(new NodeGuardian.OperatorResume(a.who(), a.replyTo()));
        } else {
          getContext().ask(Receptionist.Listing.class, getContext().getSystem().receptionist(),
              java.time.Duration.ofSeconds(3), r -> Receptionist.find(keyOf(host.id()), r),
              (l, e) -> new HostNodeFound(e == null ? Set.copyOf(l.getAllServiceInstances(keyOf(host.id()))) : Set.of(),
                  host.id(), a));
        }
      }
      case "declare-dead" -> n.guardian().tell(new NodeGuardian.DeclareDead(host.id(), a.who(), a.replyTo()));
      case "maintenance-enable", "maintenance-disable" -> {
        boolean enable = h.verb().equals("maintenance-enable");
        if (enable == !host.enabled()) {
          a.replyTo().tell(new Admin.Reply(0, List.of(host.name() + " is already " + (enable ? "in" : "out of")
              + " maintenance (enabled=" + host.enabled() + "): nothing changed")));
          return this;
        }
        if (enable && host.id().equals(pool.master())) {
          a.replyTo().tell(new Admin.Reply(1, List.of(host.name() + " is the pool master: move the master role first "
              + "(xe pool-designate-new-master), or `tandem disable` — with pool HA on, the master is enabled again "
              + "at once, as HA-Lizard does")));
          return this;
        }
        HaEvent.ConfigChanged event = new HaEvent.ConfigChanged("host " + host.id().uuid() + " (" + host.name() + ")",
            "enabled", String.valueOf(host.enabled()), String.valueOf(!enable),
            a.who() + " via tandem host maintenance " + (enable ? "enable" : "disable") + " on " + self.uuid(),
            n.clock().now());
        List<String> done = List.of(enable ? host.name() + " is in maintenance (enabled=false): no VM is placed on it "
            + "and Tandem never fences it; `tandem host maintenance disable " + host.name() + "` ends it"
            : host.name() + " is out of maintenance (enabled=true)");
        getContext().spawnAnonymous(SettingChange.create(n, new SettingChange.Change(event,
            () -> {
              if (enable) n.xapi().disableHost(host.id());
              else n.xapi().enableHost(host.id());
            }, done), a.replyTo()));
      }
      default -> a.replyTo().tell(new Admin.Reply(2, List.of("unknown host verb \"" + h.verb() + "\"")));
    }
    return this;
  }

  private Behavior<Command> fence(Admin.Fence f, ActorRef<Admin.Reply> replyTo) {
    if (!f.really()) {
      replyTo.tell(new Admin.Reply(2, List.of("tandem fence: powering a host off needs --really")));
      return this;
    }
    if (!UUID.matcher(f.host()).matches()) {
      replyTo.tell(new Admin.Reply(2, List.of("tandem fence: \"" + f.host() + "\" is not a host UUID "
          + "(see `xe host-list params=uuid,name-label`)")));
      return this;
    }
    HostId target = new HostId(f.host().toLowerCase(java.util.Locale.ROOT));
    if (target.equals(self)) {
      replyTo.tell(new Admin.Reply(2, List.of("tandem fence: " + target.uuid() + " is this node's own host; run it on "
          + "another host, whose node can read the power back")));
      return this;
    }
    getContext().getLog().warn("fence {}: requested by an operator (tandem fence --really)", target);
    // One ask per request (not one message adapter, which a second request would replace): each caller gets its own
    // host's outcome. The fence is bounded by its own timeout; the socket's bound answers the CLI first.
    getContext().ask(FenceOutcome.class, fence, java.time.Duration.ofMinutes(5),
        r -> new FenceAgentActor.Fence(target, "operator: tandem fence --really", r),
        (o, e) -> new Fenced(e == null ? o : new FenceOutcome.Failed(target, "operator", "no outcome from the fence "
            + "agent actor: " + e, java.time.Instant.now()), replyTo));
    return this;
  }

  private Behavior<Command> resolve(Admin.StorageSplitBrainResolve r, ActorRef<Admin.Reply> replyTo) {
    if (!UUID.matcher(r.survivor()).matches()) {
      replyTo.tell(new Admin.Reply(2, List.of("tandem storage split-brain resolve: --survivor \"" + r.survivor()
          + "\" is not a host UUID")));
      return this;
    }
    HostId survivor = new HostId(r.survivor().toLowerCase(java.util.Locale.ROOT));
    getContext().ask(StorageRoleActor.Answer.class, storage.get(), java.time.Duration.ofSeconds(60),
        ref -> new StorageRoleActor.ResolveSplitBrain(survivor, "tandem storage split-brain resolve --survivor "
            + r.survivor(), ref),
        (ans, e) -> new ManualDone(e == null ? new ManualMode.Outcome(ans.ok(), Optional.empty(), ans.lines())
            : new ManualMode.Outcome(false, Optional.empty(), List.of("the storage role actor did not answer: " + e)),
            replyTo));
    return this;
  }

  private Behavior<Command> manual(Admin.StorageManual m, ActorRef<Admin.Reply> replyTo) {
    ManualMode.Verb verb = switch (m.verb()) {
      case "enable" -> ManualMode.Verb.ENABLE;
      case "disable" -> ManualMode.Verb.DISABLE;
      case "become-primary" -> ManualMode.Verb.BECOME_PRIMARY;
      case "become-secondary" -> ManualMode.Verb.BECOME_SECONDARY;
      default -> null;
    };
    if (verb == null) {
      replyTo.tell(new Admin.Reply(2, List.of("unknown storage verb \"" + m.verb() + "\"")));
      return this;
    }
    getContext().ask(ManualMode.Outcome.class, storage.get(), java.time.Duration.ofSeconds(10),
        r -> new StorageRoleActor.Manual(verb, "tandem storage " + m.verb(), r),
        (o, e) -> new ManualDone(e == null ? o : new ManualMode.Outcome(false, Optional.empty(),
            List.of("the storage role actor did not answer: " + e)), replyTo));
    return this;
  }

  private Behavior<Command> onFenced(Fenced f) {
    if (f.outcome() instanceof FenceOutcome.Confirmed c) {
      f.replyTo().tell(new Admin.Reply(0, List.of("fence " + c.target().uuid() + ": confirmed off by " + c.device()
          + " (" + c.evidence() + "); journaled")));
    } else {
      FenceOutcome.Failed failed = (FenceOutcome.Failed) f.outcome();
      f.replyTo().tell(new Admin.Reply(1, List.of("fence " + failed.target().uuid() + ": FAILED via " + failed.device()
          + ": " + failed.reason() + "; journaled")));
    }
    return this;
  }
}
