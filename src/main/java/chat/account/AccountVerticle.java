package chat.account;

import chat.bus.Addresses;
import chat.bus.Failure;
import chat.bus.RoomId;
import chat.bus.Service;
import chat.config.ChatConfig;
import chat.db.Database;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Owns the users table: registration, login and look-ups. Runs on an event loop: its queries are asynchronous,
 * and bcrypt goes to {@link PasswordHashing}'s pool of its own, so a look-up ({@code /api/me}, search, a private
 * room's partner) never waits behind a password check.
 */
public class AccountVerticle extends VerticleBase {

  static final String BAD_LOGIN = "invalid username or password";
  /**
   * bcrypt threads: half the cores, so a flood of password checks leaves the event loops a core. With a quarter of
   * a second per check at cost 12, the waiting room below is four seconds of work per thread at most.
   */
  static final int BCRYPT_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  static final int BCRYPT_WAITING_PER_THREAD = 16;

  private final ChatConfig config;
  private ReconnectingPool db;
  private PasswordHashing hashing;
  /** Checked against when the user does not exist, so an unknown name costs the same time as a wrong password. */
  private String decoyHash;

  public AccountVerticle(ChatConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    db = new ReconnectingPool(vertx, config.db(), "accounts");
    hashing = new PasswordHashing(vertx, BCRYPT_THREADS, BCRYPT_THREADS * BCRYPT_WAITING_PER_THREAD);
    return hashing.hash("decoy password", config.security().bcryptCost())
      .onSuccess(hash -> decoyHash = hash)
      .compose(decoy -> registerConsumers());
  }

  private Future<?> registerConsumers() {
    return Future.all(List.of(
      consume(Addresses.ACCOUNT_REGISTER, body -> register(Registration.fromJson(body)).map(Account::toJson)),
      consume(Addresses.ACCOUNT_LOGIN, body -> login(body.getString("username"), body.getString("password"))
        .map(Account::toJson)),
      consume(Addresses.ACCOUNT_FIND, body -> find(body.getString("username")).map(account -> {
        if (account == null) {
          throw Failure.of(Failure.NOT_FOUND, "no such user");
        }
        return account.toJson();
      })),
      consume(Addresses.ACCOUNT_SEARCH, body -> search(body.getString("prefix"), body.getInteger("limit"))),
      consume(Addresses.ACCOUNT_CHANGE_EMAIL, body -> changeEmail(body.getString("username"), body.getString("email"))
        .map(Account::toJson)),
      consume(Addresses.ACCOUNT_CHANGE_PASSWORD, body -> changePassword(body.getString("username"),
        body.getString("currentPassword"), body.getString("password")).map(v -> new JsonObject()))));
  }

  @Override
  public Future<?> stop() {
    hashing.close();
    return db.close();
  }

  private Future<Void> consume(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return Service.serve(vertx, address, handler);
  }

  Future<Account> register(Registration form) {
    String key = RoomId.key(form.username());
    String emailKey = form.email().toLowerCase(Locale.ROOT);
    return takenFields(key, emailKey).compose(taken -> {
      if (!taken.isEmpty()) {
        return Future.failedFuture(Failure.of(Failure.CONFLICT, String.join(",", taken)));
      }
      return hashing.hash(form.password(), config.security().bcryptCost())
        .compose(hash -> db.use(pool -> pool.preparedQuery(AccountSql.INSERT_USER)
          .execute(Tuple.of(key, form.username(), form.email(), emailKey, hash, System.currentTimeMillis()))))
        .map(done -> new Account(form.username(), form.email()))
        // Two registrations racing for one name: the constraint decides, the loser gets the same 409.
        .recover(err -> takenFields(key, emailKey).compose(again -> again.isEmpty()
          ? Future.failedFuture(err)
          : Future.failedFuture(Failure.of(Failure.CONFLICT, String.join(",", again)))));
    });
  }

  private Future<List<String>> takenFields(String key, String emailKey) {
    return db.use(pool -> pool.preparedQuery(AccountSql.USER_TAKEN).execute(Tuple.of(key, emailKey))).map(rows -> {
      List<String> taken = new ArrayList<>();
      for (Row row : rows) {
        if (key.equals(row.getString(0)) && !taken.contains("username")) {
          taken.add("username");
        }
        if (emailKey.equals(row.getString(1)) && !taken.contains("email")) {
          taken.add("email");
        }
      }
      return taken;
    });
  }

  Future<Account> login(String username, String password) {
    if (username == null || password == null || !RoomId.USERNAME.matcher(username).matches()) {
      return refuseLogin(password);
    }
    return db.use(pool -> pool.preparedQuery(AccountSql.ACCOUNT_WITH_PASSWORD).execute(Tuple.of(RoomId.key(username))))
      .compose(rows -> {
        // bcrypt only reads 72 bytes: a longer password must not log in as its own prefix.
        if (rows.size() == 0 || password.getBytes(StandardCharsets.UTF_8).length > PasswordRule.MAX_BYTES) {
          return refuseLogin(password);
        }
        Row row = rows.iterator().next();
        return hashing.matches(password, row.getString(2)).compose(matches -> matches
          ? Future.succeededFuture(toAccount(row))
          : Future.failedFuture(Failure.of(Failure.UNAUTHORIZED, BAD_LOGIN)));
      });
  }

  Future<Account> changeEmail(String username, String email) {
    String key = RoomId.key(username);
    String emailKey = email.toLowerCase(Locale.ROOT);
    return db.use(pool -> pool.preparedQuery(AccountSql.EMAIL_OWNER).execute(Tuple.of(emailKey)))
      .compose(owners -> {
        if (owners.size() > 0 && !key.equals(owners.iterator().next().getString(0))) {
          return Future.failedFuture(Failure.of(Failure.CONFLICT, "email"));
        }
        return db.use(pool -> pool.preparedQuery(AccountSql.UPDATE_EMAIL).execute(Tuple.of(email, emailKey, key)))
          .recover(err -> Future.failedFuture(Failure.of(Failure.CONFLICT, "email")));
      })
      .compose(updated -> find(username));
  }

  /** Only with the current password, so a session left open on someone else's screen cannot take the account. */
  Future<Void> changePassword(String username, String currentPassword, String newPassword) {
    return login(username, currentPassword)
      .compose(account -> hashing.hash(newPassword, config.security().bcryptCost()))
      .compose(hash -> db.use(pool -> pool.preparedQuery(AccountSql.UPDATE_PASSWORD).execute(Tuple.of(hash, RoomId.key(username)))))
      .mapEmpty();
  }

  /** The same bcrypt work as a real check, then the same refusal: an unknown name is not told apart by time. */
  private Future<Account> refuseLogin(String password) {
    return hashing.matches(password == null ? "" : password, decoyHash)
      .transform(checked -> checked.failed() && Failure.code(checked.cause()) == Failure.UNAVAILABLE
        ? Future.failedFuture(checked.cause())
        : Future.failedFuture(Failure.of(Failure.UNAUTHORIZED, BAD_LOGIN)));
  }

  Future<Account> find(String username) {
    if (username == null) {
      return Future.succeededFuture();
    }
    return db.use(pool -> pool.preparedQuery(AccountSql.USER_BY_KEY).execute(Tuple.of(RoomId.key(username))))
      .map(rows -> rows.size() == 0 ? null : toAccount(rows.iterator().next()));
  }

  private Future<JsonObject> search(String prefix, int limit) {
    String pattern = Database.literalLike(RoomId.key(prefix)) + "%";
    return db.use(pool -> pool.preparedQuery(AccountSql.SEARCH_USERS).execute(Tuple.of(pattern, limit))).map(rows -> {
      JsonArray users = new JsonArray();
      JsonArray bots = new JsonArray();
      rows.forEach(row -> {
        users.add(row.getString(0));
        if (row.getString(1) != null) {
          bots.add(row.getString(0));
        }
      });
      return new JsonObject().put("users", users).put("bots", bots);
    });
  }

  private static Account toAccount(Row row) {
    return new Account(row.getString(0), row.getString(1));
  }
}
