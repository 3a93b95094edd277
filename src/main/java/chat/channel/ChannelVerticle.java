package chat.channel;

import chat.access.AccessRelay;
import chat.account.People;
import chat.bus.AccessChange;
import chat.bus.Addresses;
import chat.bus.ChannelSnapshot;
import chat.bus.DirectPolicy;
import chat.bus.Failure;
import chat.bus.NewMessage;
import chat.bus.Notices;
import chat.bus.RoomId;
import chat.bus.Service;
import chat.bus.UserAction;
import chat.cluster.ClusterView;
import chat.config.ChatConfig;
import chat.db.Database;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Owns the channels people make, their members and invitations: every channel action of the HTTP API
 * ({@link Addresses#channels}) and the snapshots the access caches load ({@link Addresses#CHANNEL_ACCESS}). A
 * change is in the database, then announced to every node ({@link AccessRelay}), then written in the room as a
 * system line, before its author is answered. A private channel is invisible to whoever is neither in it nor
 * invited: they are told exactly what a channel that does not exist tells them.
 */
public class ChannelVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ChannelVerticle.class);
  static final String NO_SUCH_CHANNEL = "no such channel";

  private final ChatConfig config;
  private final Set<String> topics;
  private final ClusterView cluster;
  private ReconnectingPool db;
  /**
   * Every channel's name: a snapshot of a name not in it is answered without the database, so a flood of frames to
   * made-up channels costs no query. Kept by the access changes every node hears: any change of a channel says it
   * exists (a creation is one), a deletion that it does not. They come in on this verticle's event loop before the
   * node that made the change is answered, so no snapshot asked after a creation can miss it.
   */
  private final Set<String> names = new HashSet<>();

  public ChannelVerticle(ChatConfig config, ClusterView cluster) {
    this.config = config;
    this.topics = Set.copyOf(config.rooms());
    this.cluster = cluster;
  }

  /** A channel as its row says, with its member count. */
  private record Channel(String name, String visibility, String description, String owner, long memberCount) {
    boolean isPublic() {
      return ChannelSnapshot.PUBLIC.equals(visibility);
    }

    String room() {
      return RoomId.CHANNEL_PREFIX + name;
    }
  }

  /** A channel as one user sees it: their role in it (null: not in it) and whether they are invited. */
  private record Seen(Channel channel, String userKey, String role, boolean invited) {
    boolean moderates() {
      return ChannelRules.moderates(role);
    }
  }

  @Override
  public Future<?> start() {
    db = new ReconnectingPool(vertx, config.db(), "channels");
    vertx.eventBus().<JsonObject>localConsumer(Addresses.ACCESS_CHANGED, change -> known(AccessChange.fromJson(change.body())));
    return db.query(ChannelSql.NAMES, Tuple.tuple())
      .onSuccess(rows -> rows.forEach(row -> names.add(row.getString(0))))
      .compose(loaded -> serve());
  }

  private void known(AccessChange change) {
    if (change.channel() != null) {
      if (change.deleted()) {
        names.remove(change.channel());
      } else {
        names.add(change.channel());
      }
    }
  }

  private Future<?> serve() {
    return Future.all(List.of(
      Service.serve(vertx, Addresses.CHANNEL_ACCESS, body -> snapshot(body.getString("channel")).map(ChannelSnapshot::toJson)),
      action("create", this::create),
      action("get", this::get),
      action("search", this::search),
      action("join", this::join),
      action("leave", this::leave),
      action("decline", this::decline),
      action("invite", this::invite),
      action("remove", this::remove),
      action("role", this::role),
      action("update", this::update),
      action("delete", this::delete),
      action("invitations", this::invitations),
      action("mine", this::mine)));
  }

  @Override
  public Future<?> stop() {
    return db.close();
  }

  private Future<Void> action(String name, Function<UserAction, Future<JsonObject>> handler) {
    return Service.serveAction(vertx, Addresses.channels(name), handler);
  }

  private Future<ChannelSnapshot> snapshot(String name) {
    if (!names.contains(name)) {
      return Future.succeededFuture(ChannelSnapshot.NONE);
    }
    return db.query(ChannelSql.VISIBILITY, Tuple.of(name)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(ChannelSnapshot.NONE);
      }
      String visibility = rows.iterator().next().getString(0);
      return db.query(ChannelSql.ROLES, Tuple.of(name)).map(members -> {
        Map<String, String> roles = new HashMap<>();
        members.forEach(row -> roles.put(row.getString(0), row.getString(1)));
        return new ChannelSnapshot(visibility, roles);
      });
    });
  }

  // ---------------------------------------------------------------- actions

  private Future<JsonObject> create(UserAction action) {
    String name = ChannelRules.normalName(action.target());
    String problem = ChannelRules.nameProblem(name, topics);
    String visibility = action.arg("visibility");
    Object description = action.args().getValue("description");
    if (problem != null) {
      return Future.failedFuture(Failure.field("name", problem));
    }
    if (ChannelRules.visibilityProblem(visibility, true) != null || ChannelRules.descriptionProblem(description) != null) {
      return Future.failedFuture(Failure.badRequest("visibility or description refused"));
    }
    String owner = RoomId.key(action.user());
    long now = System.currentTimeMillis();
    int max = config.channels().maxPerUser();
    return db.insertIfAbsent(ChannelSql.OWNER_ROW, Tuple.of(owner))
      .compose(row -> takePlace(ChannelSql.TAKE_OWNED_PLACE, owner, max, "you may own at most " + max + " channels"))
      .compose(place -> db.query(ChannelSql.INSERT_CHANNEL, Tuple.of(name, visibility,
          description == null ? "" : description, owner, now))
        .recover(err -> Future.failedFuture(Database.constraintViolated(err)
          ? Failure.of(Failure.CONFLICT, "name: is already taken") : err))
        .compose(inserted -> db.query(ChannelSql.INSERT_MEMBER, Tuple.of(name, owner, ChannelRules.OWNER, now))
          // a channel without its owner would be nobody's: it goes again
          .recover(err -> db.query(ChannelSql.DELETE_CHANNEL, Tuple.of(name)).transform(undone -> Future.failedFuture(err))))
        .recover(err -> givePlace(ChannelSql.GIVE_OWNED_PLACE, owner).transform(given -> Future.failedFuture(err))))
      .compose(member -> AccessRelay.announce(vertx, cluster, AccessChange.ofChannel(name)))
      .compose(announced -> systemLine(name, action.user(), "created", action.user() + " created the channel"))
      .compose(written -> details(name, owner));
  }

  private Future<JsonObject> get(UserAction action) {
    return seen(action).compose(seen -> details(seen.channel().name(), seen.userKey()));
  }

  private Future<JsonObject> search(UserAction action) {
    String userKey = RoomId.key(action.user());
    String prefix = ChannelRules.normalName(action.arg("q"));
    String pattern = (prefix == null ? "" : Database.literalLike(prefix)) + "%";
    int limit = action.args().getInteger("limit", 50);
    return db.query(ChannelSql.SEARCH, Tuple.of(userKey, pattern, userKey, limit)).map(rows -> {
      JsonArray channels = new JsonArray();
      rows.forEach(row -> channels.add(summary(channelOf(row)).put("role", row.getString(5))));
      return new JsonObject().put("channels", channels);
    });
  }

  private Future<JsonObject> join(UserAction action) {
    return seen(action).compose(seen -> {
      Channel channel = seen.channel();
      if (seen.role() != null) {
        return details(channel.name(), seen.userKey());
      }
      // seen() let a private channel through only for someone invited
      if (channel.memberCount() >= config.channels().maxMembers()) {
        return Future.failedFuture(Failure.forbidden("the channel is full"));
      }
      String name = channel.name();
      return takePlace(ChannelSql.TAKE_MEMBER_PLACE, name, config.channels().maxMembers(), "the channel is full")
        .compose(place -> db.insertIfAbsent(ChannelSql.INSERT_MEMBER, Tuple.of(name, seen.userKey(), ChannelRules.MEMBER,
          System.currentTimeMillis())))
        // joined at the same moment by another request of theirs: that one keeps its place and tells the room
        .compose(fresh -> fresh ? Future.succeededFuture(true) : givePlace(ChannelSql.GIVE_MEMBER_PLACE, name).map(false))
        .compose(fresh -> fresh ? botWithinChannels(name, seen.userKey()).map(true) : Future.succeededFuture(false))
        .compose(fresh -> !fresh ? details(name, seen.userKey())
          : db.query(ChannelSql.DELETE_INVITATION, Tuple.of(name, seen.userKey()))
            .compose(done -> AccessRelay.announce(vertx, cluster, AccessChange.ofChannel(name)))
            .compose(announced -> systemLine(name, action.user(), "joined", action.user() + " joined"))
            .compose(written -> details(name, seen.userKey())));
    });
  }

  private Future<JsonObject> leave(UserAction action) {
    return member(action).compose(seen -> {
      if (ChannelRules.OWNER.equals(seen.role())) {
        return Future.failedFuture(Failure.of(Failure.CONFLICT,
          "the owner cannot leave: hand the channel to another member first, or delete it"));
      }
      String name = seen.channel().name();
      return leaveChannel(name, seen.userKey())
        .compose(done -> AccessRelay.announce(vertx, cluster, AccessChange.removedFrom(name, List.of(seen.userKey()))))
        .compose(announced -> systemLine(name, action.user(), "left", action.user() + " left"))
        .map(new JsonObject());
    });
  }

  private Future<JsonObject> decline(UserAction action) {
    String name = ChannelRules.normalName(action.target());
    return db.query(ChannelSql.DELETE_INVITATION, Tuple.of(name, RoomId.key(action.user()))).compose(deleted ->
      deleted.rowCount() == 0 ? Future.failedFuture(Failure.of(Failure.NOT_FOUND, "no such invitation"))
        : Future.succeededFuture(new JsonObject()));
  }

  /**
   * Any member of a public channel, a private one's owner and moderators. Someone the invitee blocks is answered as
   * if the invitation went, and nothing happens: they are not told they are blocked.
   */
  private Future<JsonObject> invite(UserAction action) {
    return member(action).compose(seen -> {
      if (!seen.channel().isPublic() && !seen.moderates()) {
        return Future.failedFuture(Failure.forbidden("only the owner and moderators invite to a private channel"));
      }
      return People.other(vertx.eventBus(), action.arg("username"), seen.userKey()).compose(invitee -> {
        String inviteeKey = RoomId.key(invitee);
        String name = seen.channel().name();
        return db.query(ChannelSql.ROLES_OF_ONE, Tuple.of(name, inviteeKey))
          .compose(member -> member.size() > 0 ? Future.failedFuture(Failure.field("username", "is already a member"))
            : blocks(inviteeKey, seen.userKey()))
          .compose(blocked -> blocked ? Future.succeededFuture(new JsonObject())
            : db.insertIfAbsent(ChannelSql.INSERT_INVITATION, Tuple.of(name, inviteeKey, seen.userKey(), System.currentTimeMillis()))
              .compose(fresh -> !fresh ? Future.succeededFuture(new JsonObject())
                : systemLine(name, action.user(), "invited", action.user() + " invited " + invitee).map(written -> {
                  Notices.tell(vertx.eventBus(), invitee, new JsonObject().put("type", "channel.invite")
                    .put("channel", name).put("room", seen.channel().room()).put("from", action.user()));
                  return new JsonObject();
                })));
      });
    });
  }

  /** The owner removes anyone else; moderators remove members. */
  private Future<JsonObject> remove(UserAction action) {
    return member(action).compose(seen -> {
      if (!seen.moderates()) {
        return Future.failedFuture(Failure.forbidden("only the owner and moderators remove members"));
      }
      return People.other(vertx.eventBus(), action.arg("username"), seen.userKey()).compose(removed -> {
        String removedKey = RoomId.key(removed);
        String name = seen.channel().name();
        return db.query(ChannelSql.ROLES_OF_ONE, Tuple.of(name, removedKey)).compose(rows -> {
          String role = rows.size() == 0 ? null : rows.iterator().next().getString(0);
          if (role == null) {
            return Future.failedFuture(Failure.field("username", "is not a member"));
          }
          if (ChannelRules.OWNER.equals(role)) {
            return Future.failedFuture(Failure.field("username", "is the owner"));
          }
          if (ChannelRules.MODERATOR.equals(role) && !ChannelRules.OWNER.equals(seen.role())) {
            return Future.failedFuture(Failure.forbidden("only the owner removes moderators"));
          }
          return leaveChannel(name, removedKey)
            .compose(done -> AccessRelay.announce(vertx, cluster, AccessChange.removedFrom(name, List.of(removedKey))))
            .compose(announced -> systemLine(name, action.user(), "removed", action.user() + " removed " + removed))
            .map(written -> {
              Notices.tell(vertx.eventBus(), removed, new JsonObject().put("type", "channel.removed")
                .put("channel", name).put("room", seen.channel().room()).put("by", action.user()));
              return new JsonObject();
            });
        });
      });
    });
  }

  /** The owner's: moderator or member for anyone else, or owner, which hands the channel over. */
  private Future<JsonObject> role(UserAction action) {
    return member(action).compose(seen -> {
      if (!ChannelRules.OWNER.equals(seen.role())) {
        return Future.failedFuture(Failure.forbidden("only the owner gives roles"));
      }
      String role = action.arg("role");
      if (!ChannelRules.isRole(role)) {
        return Future.failedFuture(Failure.field("role", "must be owner, moderator or member"));
      }
      return People.other(vertx.eventBus(), action.arg("username"), seen.userKey()).compose(person -> {
        String personKey = RoomId.key(person);
        String name = seen.channel().name();
        return db.query(ChannelSql.ROLES_OF_ONE, Tuple.of(name, personKey)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(Failure.field("username", "is not a member"));
          }
          Future<?> changed = ChannelRules.OWNER.equals(role)
            ? db.query(ChannelSql.SET_OWNER, Tuple.of(personKey, name))
              // the channel counts against its new owner's channels now (handed over, it may take them past the limit)
              .compose(owner -> givePlace(ChannelSql.GIVE_OWNED_PLACE, seen.userKey()))
              .compose(given -> db.insertIfAbsent(ChannelSql.OWNER_ROW, Tuple.of(personKey)))
              .compose(row -> db.query(ChannelSql.TAKE_OWNED_PLACE, Tuple.of(personKey, Integer.MAX_VALUE)))
              .compose(owner -> db.query(ChannelSql.SET_ROLE, Tuple.of(ChannelRules.OWNER, name, personKey)))
              .compose(owner -> db.query(ChannelSql.SET_ROLE, Tuple.of(ChannelRules.MODERATOR, name, seen.userKey())))
            : db.query(ChannelSql.SET_ROLE, Tuple.of(role, name, personKey));
          return changed
            .compose(done -> AccessRelay.announce(vertx, cluster, AccessChange.ofChannel(name)))
            .compose(announced -> systemLine(name, action.user(), "role",
              action.user() + (ChannelRules.OWNER.equals(role) ? " handed the channel to " + person
                : " made " + person + " a " + role)))
            .map(written -> new JsonObject().put("username", person).put("role", role));
        });
      });
    });
  }

  /** The owner's and moderators': the description and the visibility. */
  private Future<JsonObject> update(UserAction action) {
    return member(action).compose(seen -> {
      if (!seen.moderates()) {
        return Future.failedFuture(Failure.forbidden("only the owner and moderators change the channel"));
      }
      String name = seen.channel().name();
      Object description = action.args().getValue("description");
      String visibility = action.arg("visibility");
      List<String> said = new ArrayList<>();
      Future<?> changed = Future.succeededFuture();
      if (description != null && !description.equals(seen.channel().description())) {
        changed = changed.compose(v -> db.query(ChannelSql.SET_DESCRIPTION, Tuple.of(description, name)));
        said.add("changed the description");
      }
      if (visibility != null && !visibility.equals(seen.channel().visibility())) {
        changed = changed.compose(v -> db.query(ChannelSql.SET_VISIBILITY, Tuple.of(visibility, name)));
        said.add("made the channel " + visibility);
      }
      if (said.isEmpty()) {
        return details(name, seen.userKey());
      }
      return changed
        .compose(done -> AccessRelay.announce(vertx, cluster, AccessChange.ofChannel(name)))
        .compose(announced -> systemLine(name, action.user(), "updated", action.user() + " " + String.join(" and ", said)))
        .compose(written -> details(name, seen.userKey()));
    });
  }

  /** The owner's: the channel, its members, invitations and history go; its members are told. */
  private Future<JsonObject> delete(UserAction action) {
    return member(action).compose(seen -> {
      if (!ChannelRules.OWNER.equals(seen.role())) {
        return Future.failedFuture(Failure.forbidden("only the owner deletes the channel"));
      }
      String name = seen.channel().name();
      return db.query(ChannelSql.MEMBERS, Tuple.of(name)).compose(members -> {
        List<String> told = new ArrayList<>();
        members.forEach(row -> told.add(row.getString(0)));
        return db.query(ChannelSql.DELETE_CHANNEL, Tuple.of(name))
          .compose(done -> givePlace(ChannelSql.GIVE_OWNED_PLACE, seen.userKey()))
          .compose(done -> db.query(ChannelSql.DELETE_MEMBERS, Tuple.of(name)))
          .compose(done -> db.query(ChannelSql.DELETE_INVITATIONS, Tuple.of(name)))
          .compose(done -> AccessRelay.announce(vertx, cluster, AccessChange.deleted(name)))
          .compose(announced -> vertx.eventBus().request(Addresses.STORE_DROP_ROOM,
            new JsonObject().put("room", seen.channel().room())))
          .map(dropped -> {
            told.stream().filter(member -> !RoomId.key(member).equals(seen.userKey())).forEach(member ->
              Notices.tell(vertx.eventBus(), member, new JsonObject().put("type", "channel.deleted")
                .put("channel", name).put("room", seen.channel().room()).put("by", action.user())));
            return new JsonObject();
          });
      });
    });
  }

  private Future<JsonObject> invitations(UserAction action) {
    return db.query(ChannelSql.INVITATIONS_OF, Tuple.of(RoomId.key(action.user()))).map(rows -> {
      JsonArray invitations = new JsonArray();
      rows.forEach(row -> invitations.add(new JsonObject().put("id", RoomId.CHANNEL_PREFIX + row.getString(0))
        .put("channel", row.getString(0)).put("visibility", row.getString(1)).put("description", row.getString(2))
        .put("from", row.getString(3)).put("ts", row.getLong(4))));
      return new JsonObject().put("invitations", invitations);
    });
  }

  /** The channels the user is in (for the room list). */
  private Future<JsonObject> mine(UserAction action) {
    return db.query(ChannelSql.CHANNELS_OF, Tuple.of(RoomId.key(action.user()))).map(rows -> {
      JsonArray channels = new JsonArray();
      rows.forEach(row -> channels.add(new JsonObject().put("id", RoomId.CHANNEL_PREFIX + row.getString(0))
        .put("name", row.getString(0)).put("visibility", row.getString(1)).put("role", row.getString(2))));
      return new JsonObject().put("channels", channels);
    });
  }

  // ---------------------------------------------------------------- look-ups

  /** One of a limit's places ({@link ChannelSql#TAKE_MEMBER_PLACE}), or 403 with the refusal when none is left. */
  private Future<Void> takePlace(String takeSql, String key, int max, String refusal) {
    return db.query(takeSql, Tuple.of(key, max)).compose(taken -> taken.rowCount() > 0
      ? Future.succeededFuture() : Future.failedFuture(Failure.forbidden(refusal)));
  }

  private Future<Void> givePlace(String giveSql, String key) {
    return db.query(giveSql, Tuple.of(key)).mapEmpty();
  }

  /** A member goes, and gives back their place when they were there (a removal and a leave may race). */
  /**
   * A bot in more channels than bots.maxChannels, counted after it joined (so that joins at once cannot pass the
   * limit together), leaves this one again and is refused. People's memberships are not counted (the count of a
   * person is 0: only bots are joined).
   */
  private Future<Void> botWithinChannels(String name, String userKey) {
    int max = config.bots().maxChannels();
    return db.query(ChannelSql.BOT_CHANNELS, Tuple.of(userKey)).compose(rows -> rows.iterator().next().getLong(0) <= max
      ? Future.succeededFuture()
      : leaveChannel(name, userKey).transform(left -> Future.failedFuture(
        Failure.forbidden("a bot may be in at most " + max + " channels"))));
  }

  private Future<Void> leaveChannel(String name, String userKey) {
    return db.query(ChannelSql.DELETE_MEMBER, Tuple.of(name, userKey)).compose(deleted -> deleted.rowCount() > 0
      ? givePlace(ChannelSql.GIVE_MEMBER_PLACE, name) : Future.succeededFuture());
  }


  /** The channel as the user sees it; 404 when it does not exist or is private to them. */
  private Future<Seen> seen(UserAction action) {
    String name = ChannelRules.normalName(action.target());
    String userKey = RoomId.key(action.user());
    if (name == null || !RoomId.CHANNEL_NAME.matcher(name).matches()) {
      return Future.failedFuture(Failure.of(Failure.NOT_FOUND, NO_SUCH_CHANNEL));
    }
    return Future.all(db.query(ChannelSql.CHANNEL, Tuple.of(name)), db.query(ChannelSql.ROLES_OF_ONE, Tuple.of(name, userKey)),
        db.query(ChannelSql.INVITED, Tuple.of(name, userKey)))
      .compose(all -> {
        io.vertx.sqlclient.RowSet<Row> channel = all.resultAt(0);
        io.vertx.sqlclient.RowSet<Row> role = all.resultAt(1);
        io.vertx.sqlclient.RowSet<Row> invited = all.resultAt(2);
        if (channel.size() == 0) {
          return Future.failedFuture(Failure.of(Failure.NOT_FOUND, NO_SUCH_CHANNEL));
        }
        Seen seen = new Seen(channelOf(channel.iterator().next()), userKey,
          role.size() == 0 ? null : role.iterator().next().getString(0), invited.size() > 0);
        if (!seen.channel().isPublic() && seen.role() == null && !seen.invited()) {
          return Future.failedFuture(Failure.of(Failure.NOT_FOUND, NO_SUCH_CHANNEL));
        }
        return Future.succeededFuture(seen);
      });
  }

  /** As {@link #seen}, for a member only: someone else gets 403 (a public channel) or 404 (a private one). */
  private Future<Seen> member(UserAction action) {
    return seen(action).compose(seen -> seen.role() != null ? Future.succeededFuture(seen)
      : Future.failedFuture(seen.channel().isPublic() ? Failure.forbidden("not a member of this channel")
        : Failure.of(Failure.NOT_FOUND, NO_SUCH_CHANNEL)));
  }

  /** Whether this user blocks that one. */
  private Future<Boolean> blocks(String userKey, String otherKey) {
    return vertx.eventBus().<JsonObject>request(Addresses.CONTACTS_POLICY, new JsonObject().put("username", userKey))
      .map(reply -> DirectPolicy.fromJson(reply.body()).blocked().contains(otherKey));
  }

  private Future<JsonObject> details(String name, String userKey) {
    return Future.all(db.query(ChannelSql.CHANNEL, Tuple.of(name)), db.query(ChannelSql.MEMBERS, Tuple.of(name)),
        db.query(ChannelSql.INVITED, Tuple.of(name, userKey)))
      .map(all -> {
        io.vertx.sqlclient.RowSet<Row> channel = all.resultAt(0);
        io.vertx.sqlclient.RowSet<Row> members = all.resultAt(1);
        io.vertx.sqlclient.RowSet<Row> invited = all.resultAt(2);
        JsonArray list = new JsonArray();
        String mine = null;
        for (Row row : members) {
          list.add(new JsonObject().put("username", row.getString(0)).put("role", row.getString(1)));
          if (RoomId.key(row.getString(0)).equals(userKey)) {
            mine = row.getString(1);
          }
        }
        return summary(channelOf(channel.iterator().next())).put("role", mine).put("invited", invited.size() > 0)
          .put("members", list);
      });
  }

  private static Channel channelOf(Row row) {
    return new Channel(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getLong(4));
  }

  private static JsonObject summary(Channel channel) {
    return new JsonObject().put("id", channel.room()).put("name", channel.name())
      .put("visibility", channel.visibility()).put("description", channel.description())
      .put("owner", channel.owner()).put("memberCount", channel.memberCount());
  }

  /** The room's system line, stored and published in order by the room's owner; a failure is logged, not told. */
  private Future<Void> systemLine(String name, String actor, String kind, String text) {
    NewMessage line = new NewMessage(RoomId.CHANNEL_PREFIX + name, actor, text, null, kind);
    return vertx.eventBus().request(Addresses.ROOM_SYSTEM, line.toJson()).<Void>mapEmpty().recover(err -> {
      LOG.warn("system line '{}' of channel {} not written: {}", kind, name, err.toString());
      return Future.succeededFuture();
    });
  }
}
