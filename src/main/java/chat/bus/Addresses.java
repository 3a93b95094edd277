package chat.bus;

/**
 * Every event-bus address of the chat, in one place. The first group is the public contract that browsers
 * use through the bridge; the second is internal between verticles and never reachable from a browser.
 */
public final class Addresses {

  // Browser-facing (through the SockJS bridge)
  public static final String SEND = "chat.send";
  public static final String HISTORY = "chat.history";
  public static final String READ = "chat.read";
  public static final String TYPING = "chat.typing";
  public static final String PRESENCE = "chat.presence";
  /**
   * A vote on a poll: {room, id, option} (option null takes it back) → {room, id, votes, mine}; the counts are also
   * published to the room as {type: "votes", room, id, votes}.
   */
  public static final String VOTE = "chat.vote";
  /**
   * A room's messages. Their bodies are JSON text (a String), encoded once by the room's owner: a JsonObject
   * would be copied for every consumer on a node and decoded again on every node, and the fan-out only splices
   * the text into the bridge frame it writes to its sockets.
   */
  public static final String ROOM_PREFIX = "chat.room.";
  public static final String TYPING_PREFIX = "chat.typing.";
  public static final String USER_PREFIX = "chat.user.";

  // Internal
  /**
   * Adds "online" to a list of users: {"users": [names]} → {"users": [{username, online}]}; or who is online, of
   * some users or of everyone: {"among"?: [names], "limit"} → {"online": [names], "total"}.
   */
  public static final String PRESENCE_QUERY = "presence.query";
  /** Node-local: a socket of a user opened (+1) or closed (-1) on this node. */
  public static final String PRESENCE_LOCAL = "presence.local";
  /** Cluster-wide: a node says which users it has online (full list on sync, or one change). */
  public static final String PRESENCE_NODE = "presence.node";
  public static final String STORE_SAVE = "store.save";
  /** A vote, from the poll's room's owner: {room, id, user, option} → {room, id, votes, mine}. */
  public static final String STORE_VOTE = "store.vote";
  public static final String STORE_HEALTH = "store.health";
  public static final String STORE_UNREAD = "store.unread";
  public static final String STORE_PRIVATE_ROOMS = "store.private-rooms";
  public static final String ACCOUNT_REGISTER = "account.register";
  public static final String ACCOUNT_LOGIN = "account.login";
  public static final String ACCOUNT_FIND = "account.find";
  public static final String ACCOUNT_SEARCH = "account.search";
  public static final String ACCOUNT_CHANGE_EMAIL = "account.change-email";
  public static final String ACCOUNT_CHANGE_PASSWORD = "account.change-password";
  /**
   * Drops a room's history and read marks: {"room"} (a deleted channel). Served by the store, which owns the
   * messages table.
   */
  public static final String STORE_DROP_ROOM = "store.drop-room";
  /** A room's system line ({@link NewMessage} with its system field), stored and published in order by its owner. */
  public static final String ROOM_SYSTEM = "room.system";
  /**
   * A file about to be shared: {"room", "user"} → {} when the user may write there and is within their send rate
   * (a file counts as a message), else the refusal a send would get. Asked before any byte is read.
   */
  public static final String ROOM_FILE_ADMIT = "room.file-admit";
  /** A stored file's message: {"room", "user", "caption", "file": {@link FileInfo}} → the stored {@link ChatMessage}. */
  public static final String ROOM_FILE_POST = "room.file-post";
  /** A channel's access snapshot for a node's caches: {"channel"} → {@link ChannelSnapshot}. */
  public static final String CHANNEL_ACCESS = "channels.access";
  /** A user's private-message policy for a node's caches: {"username"} → {@link DirectPolicy}. */
  public static final String CONTACTS_POLICY = "contacts.policy";
  /** Node-local, published: an {@link AccessChange} for every cache and bridge of the node. */
  public static final String ACCESS_CHANGED = "access.changed";
  /**
   * Published when sessions must end: {session} on logout; {username, exceptSession, validAfter} on a password
   * change, where validAfter is the time before which that user's logins no longer count; {bot} when a bot's token
   * is replaced or the bot deleted (its sockets close).
   */
  public static final String SESSIONS_END = "session.end";
  /**
   * Cluster-wide, consumed on every node: a notice as JSON text (like a room's messages) with the header
   * {@link #NOTICE_TO_HEADER} naming its chat.user.<name> address, for the nodes to hand to their own sockets
   * listening there. A publish straight to chat.user.<name> would make Vert.x ask Hazelcast
   * for that address's subscribers on every message when the user is not online (it caches only non-empty
   * answers), and every user's own address would be one more cluster-wide registration per login.
   */
  public static final String USER_NOTICES = "user.notices";
  public static final String NOTICE_TO_HEADER = "to";

  /** Header that carries the logged-in username on frames coming in through the bridge. */
  public static final String USER_HEADER = "user";
  /**
   * Header the bridge stamps on every frame it lets in: {@code System.nanoTime()} when it did, so the node can
   * tell how long a send has waited in its queues and refuse it (503) rather than store it too late. Only
   * meaningful on the node that stamped it; nodes forward sends without it.
   */
  public static final String ARRIVED_HEADER = "arrived";
  /**
   * Header on a {@link #STORE_SAVE} request: the {@code System.nanoTime()} by which the store must have begun
   * storing the message, or refuse it unstored ({@link Failure#busy}). The owner's own clock: the store is local.
   */
  public static final String STORE_BY_HEADER = "store-by";
  /**
   * Header on a send forwarded to a room's next owner after the owner did not answer in time: it may be stored
   * there already, so it is stored or found under its cid, never refused as late (a 503 says "not stored").
   */
  public static final String SETTLE_HEADER = "settle";
  /**
   * Header the bridge (and the bot API) stamps on a bot's frames, "true": only a bot may answer a command privately
   * ({@code to} on a {@link #SEND}). Like {@link #USER_HEADER}, whatever a client sends in its place is dropped.
   */
  public static final String BOT_HEADER = "bot";

  private Addresses() {
  }

  public static String room(String roomId) {
    return ROOM_PREFIX + roomId;
  }

  public static String typing(String roomId) {
    return TYPING_PREFIX + roomId;
  }

  /** Where a node takes the sends of the rooms it owns. */
  public static String roomOwner(String nodeId) {
    return "room.owner." + nodeId;
  }

  /**
   * Where a node is asked to let a room go ({"room"}): it answers ({}) once the sends of the room it took are
   * stored and published (chat.room.RoomHandover).
   */
  public static String roomHandover(String nodeId) {
    return "room.handover." + nodeId;
  }

  /**
   * Where a node is told that another, stopping, has finished the sends it took, holds no room and takes none
   * ({node id} as a String): it is not asked to let a room go again.
   */
  public static String roomsReleased(String nodeId) {
    return "room.released." + nodeId;
  }

  /** Where a node takes the votes on the polls of the rooms it owns, to count them one at a time per room. */
  public static String roomVote(String nodeId) {
    return "room.vote." + nodeId;
  }

  /** Where a node takes a logged-out session id into its copy of the ended ones, and says it has. */
  public static String sessionEnded(String nodeId) {
    return "session.ended." + nodeId;
  }

  /**
   * What a channel or contacts action ({@link UserAction}) asks of the verticle that owns those tables: {@code
   * channels.create}, {@code contacts.request}, … The node's own verticle answers (a local consumer).
   */
  public static String channels(String action) {
    return "channels." + action;
  }

  public static String contacts(String action) {
    return "contacts." + action;
  }

  /**
   * A bot owner's action ({@link UserAction}: the owner, the bot's name, {description}) on the bot verticle:
   * {@code bots.create} → {@link BotAccount} with its new token, {@code bots.list} → {"bots": [BotAccount]},
   * {@code bots.token} → {@link BotAccount} with a new token, {@code bots.delete} → {},
   * {@code bots.set-commands} ({"commands": [{name, description, usage}]}) → {"commands": [{@link BotCommand}]}.
   */
  public static String bots(String action) {
    return "bots." + action;
  }

  /**
   * A bot's token from a request: {"token"} → its {@link BotAccount} (without the token), or 401. Node-local, so
   * the token never crosses the cluster; the bot verticle looks it up by its hash.
   */
  public static final String BOT_AUTHENTICATE = "bots.authenticate";
  /**
   * A bot of the server's own (the assistant): {"name", "description"} → {"name", "token"}, made at the first
   * start of any node, the same token for all; 409 when a person or a person's bot has the name. Node-local.
   */
  public static final String BOT_BUILTIN = "bots.builtin";
  /**
   * A command by its name: {"name"} → its {@link BotCommand} and "polling" (its bot polls for updates), or 404.
   * Node-local.
   */
  public static final String BOT_COMMAND = "bots.command";
  /** An update for a bot that polls: {"bot", "update"} → {}, stored in order and announced on {@link #botUpdated}. */
  public static final String BOT_UPDATE = "bots.update";
  /** A bot's poll: {"bot", "after"} → {"updates": [{updateId, …}]}, those up to after deleted as acknowledged. */
  public static final String BOT_UPDATES = "bots.updates";
  /** Every bot's name key: {} → {"bots": [keys]}. */
  public static final String BOT_KEYS = "bots.keys";
  /** Published, cluster-wide, when a bot is made: its name key (a String). */
  public static final String BOT_CREATED = "bots.created";

  /** Published, cluster-wide, when a bot has a new update: its polls waiting on any node read again. */
  public static String botUpdated(String botKey) {
    return "bots.updated." + botKey;
  }

  /** Every command of every bot, for the page's autocompletion: {} → {"commands": [{@link BotCommand}]}. */
  public static final String BOT_COMMANDS = "bots.commands";

  /**
   * A user's end-to-end keys and the encryption of private rooms (issue 20), a {@link UserAction} on the keys
   * verticle: {@code keys.publish} ({ecdh, ecdsa}: public JWKs) → {fingerprint}; {@code keys.current} (target: a
   * username) → {username, ecdh, ecdsa, fingerprint}, or 404; {@code keys.identity} (target: a username,
   * {fingerprint}) → the same for that identity, current or earlier, or 404; {@code keys.backup-put} ({backup}) → {};
   * {@code keys.backup-get} → {backup}, or 404; {@code keys.encrypt} (target: a private room's id) → {room,
   * encrypted, by, since}; {@code keys.encryption} (target: a private room's id) → {room, encrypted, by?, since?}.
   */
  public static String keys(String action) {
    return "keys." + action;
  }

  /** A private room's encryption for a node's caches: {"room"} → {@link PrivateEncryption}. Node-local. */
  public static final String KEYS_ROOM = "keys.room";

  /**
   * Where a node takes an {@link AccessChange} (and hands it to its caches and bridges before answering): the
   * node that made the change asks every node, so the change holds everywhere by the time its author is answered.
   */
  public static String accessChanged(String nodeId) {
    return "access.changed." + nodeId;
  }

  /**
   * Where a node is told that another is stopping ({node id} as a String): it answers once that node is no longer
   * live to it (see chat.cluster.ClusterView#leaving).
   */
  public static String nodeLeaving(String nodeId) {
    return "cluster.leaving." + nodeId;
  }

  /** Where a node keeps the send-rate buckets of the users whose home it is. */
  public static String sendLimit(String nodeId) {
    return "room.limit." + nodeId;
  }

  public static String user(String username) {
    return USER_PREFIX + username.toLowerCase(java.util.Locale.ROOT);
  }
}
