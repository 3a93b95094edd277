package chat.access;

import chat.account.UserDirectory;
import chat.bus.AccessChange;
import chat.bus.Addresses;
import chat.bus.ChannelSnapshot;
import chat.bus.DirectPolicy;
import chat.bus.Failure;
import chat.bus.PrivateEncryption;
import chat.bus.RoomId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Who may use a room, beyond what its id tells ({@link RoomId#admits}): a channel's members (and, for history
 * only, anyone for a public channel), a private room's partner who exists and accepts this sender. Checked on every
 * frame, from caches that node-wide {@link AccessChange}s keep true ({@link AccessRelay}), so a check never waits
 * for the database once a channel or a user has been looked up. One per verticle (not shared between event loops).
 */
public final class RoomAccess {

  static final String NOT_A_MEMBER = "not a member of this room";
  public static final String CONTACTS_ONLY =
    "accepts private messages from contacts only: send a request to connect first";
  static final int MAX_CHANNELS_KEPT = 10_000;
  static final int MAX_POLICIES_KEPT = 100_000;
  static final int MAX_ROOMS_KEPT = 100_000;

  private final UserDirectory users;
  private final SnapshotCache<ChannelSnapshot> channels;
  private final SnapshotCache<DirectPolicy> policies;
  private final SnapshotCache<PrivateEncryption> encryption;

  public RoomAccess(Vertx vertx) {
    this.users = new UserDirectory(vertx);
    this.channels = new SnapshotCache<>(MAX_CHANNELS_KEPT, name -> vertx.eventBus()
      .<JsonObject>request(Addresses.CHANNEL_ACCESS, new JsonObject().put("channel", name))
      .map(reply -> ChannelSnapshot.fromJson(reply.body())));
    this.policies = new SnapshotCache<>(MAX_POLICIES_KEPT, userKey -> vertx.eventBus()
      .<JsonObject>request(Addresses.CONTACTS_POLICY, new JsonObject().put("username", userKey))
      .map(reply -> DirectPolicy.fromJson(reply.body())));
    this.encryption = new SnapshotCache<>(MAX_ROOMS_KEPT, roomId -> vertx.eventBus()
      .<JsonObject>request(Addresses.KEYS_ROOM, new JsonObject().put("room", roomId))
      .map(reply -> PrivateEncryption.fromJson(reply.body())));
    vertx.eventBus().<JsonObject>localConsumer(Addresses.ACCESS_CHANGED, change -> forget(AccessChange.fromJson(change.body())));
  }

  /** Listening, read marks: a channel's members; a private room whose partner exists. */
  public Future<Void> usable(RoomId room, String user) {
    if (room instanceof RoomId.Channel channel) {
      return channels.get(channel.name()).compose(snapshot -> snapshot.isMember(RoomId.key(user))
        ? Future.succeededFuture() : Future.failedFuture(Failure.forbidden(NOT_A_MEMBER)));
    }
    return users.usable(room, user);
  }

  /** History: as {@link #usable}, and a public channel's for anyone (a preview before joining). */
  public Future<Void> readable(RoomId room, String user) {
    if (room instanceof RoomId.Channel channel) {
      return channels.get(channel.name()).compose(snapshot -> snapshot.isPublic() || snapshot.isMember(RoomId.key(user))
        ? Future.succeededFuture() : Future.failedFuture(Failure.forbidden(NOT_A_MEMBER)));
    }
    return usable(room, user);
  }

  /**
   * Sending and typing: as {@link #usable}, and a private room only when its partner takes this sender's messages
   * (everyone's, or contacts' only; never those of someone they block, who is told exactly what a non-contact is).
   */
  public Future<Void> writable(RoomId room, String user) {
    Future<Void> usable = usable(room, user);
    if (!(room instanceof RoomId.Direct direct)) {
      return usable;
    }
    return usable.compose(ok -> policies.get(direct.other(user))).compose(policy -> policy.allows(RoomId.key(user))
      ? Future.succeededFuture() : Future.failedFuture(Failure.forbidden(CONTACTS_ONLY)));
  }

  /** Whether a private room is end-to-end encrypted, and its members' current fingerprints (issue 20). */
  public Future<PrivateEncryption> encryption(RoomId.Direct room) {
    return encryption.get(room.id());
  }

  /** The channel's snapshot as this verticle knows it (for the bridge's removals). */
  public Future<ChannelSnapshot> channel(String name) {
    return channels.get(name);
  }

  private void forget(AccessChange change) {
    if (change.channel() != null) {
      channels.forget(change.channel());
    }
    change.users().forEach(policies::forget);
    if (!change.users().isEmpty()) {
      // a user's new keys, or a room switched to encrypted: every private room of theirs reloads. Plain string
      // tests, not a parse, since every contact change scans the kept rooms too (a user key has no dot).
      encryption.forgetIf(roomId -> change.users().stream()
        .anyMatch(user -> roomId.startsWith("dm." + user + ".") || roomId.endsWith("." + user)));
    }
  }
}
