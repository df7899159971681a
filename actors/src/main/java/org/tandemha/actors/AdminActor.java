package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Optional;
import org.tandemha.actors.decide.ManualMode;
import org.tandemha.protocol.Admin;
import org.tandemha.protocol.FenceOutcome;
import org.tandemha.protocol.HostId;

/**
 * The node's side of the {@code tandem} CLI (the admin socket hands it each request). Found through the
 * Receptionist, so the socket — and later other nodes' AdminActors — reach it without knowing its path.
 * {@code fence HOST --really}: a fence an operator asks for, through the same FenceAgentActor and devices as any
 * other, so it is journaled (request, then outcome) and confirmed only by the power read back off.
 */
public final class AdminActor extends AbstractBehavior<AdminActor.Command> {
  public sealed interface Command {}
  public record Ask(Admin.Request request, ActorRef<Admin.Reply> replyTo) implements Command {}
  private record Fenced(FenceOutcome outcome, ActorRef<Admin.Reply> replyTo) implements Command {}
  private record StorageStatusKnown(StorageRoleActor.Status status, ActorRef<Admin.Reply> replyTo) implements Command {}
  private record ManualDone(ManualMode.Outcome outcome, ActorRef<Admin.Reply> replyTo) implements Command {}

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "tandem-admin");
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  public static Behavior<Command> create(HostId self, ActorRef<FenceAgentActor.Command> fence) {
    return create(self, fence, Optional.empty());
  }

  /** @param storage the storage role actor, when this host has replicated storage */
  public static Behavior<Command> create(HostId self, ActorRef<FenceAgentActor.Command> fence,
                                         Optional<ActorRef<StorageRoleActor.Command>> storage) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      return new AdminActor(ctx, self, fence, storage);
    });
  }

  private final HostId self;
  private final ActorRef<FenceAgentActor.Command> fence;
  private final Optional<ActorRef<StorageRoleActor.Command>> storage;

  private AdminActor(ActorContext<Command> ctx, HostId self, ActorRef<FenceAgentActor.Command> fence,
                     Optional<ActorRef<StorageRoleActor.Command>> storage) {
    super(ctx);
    this.self = self;
    this.fence = fence;
    this.storage = storage;
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Ask.class, this::onAsk)
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
    ActorRef<FenceOutcome> reply = getContext().messageAdapter(FenceOutcome.class, o -> new Fenced(o, replyTo));
    fence.tell(new FenceAgentActor.Fence(target, "operator: tandem fence --really", reply));
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
