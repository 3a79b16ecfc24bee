"""Starts moto_server (PyPI `moto[server]`) for the local runner and the tests.

The differences from running `moto_server` directly:
* it binds port 0 and prints the port it got, so parallel test binaries never race for a port;
* it serialises DynamoDB requests. moto's DynamoDB backend checks a condition and applies the
  write as separate Python steps, so two threads can interleave between them; real DynamoDB
  isolates each item. Serialising DynamoDB calls restores that guarantee. SQS is left threaded
  (long polls must not block other requests).
* TransactWriteItems checks every condition first and then applies the writes, undoing only the
  items it touched if a write fails. moto 5 deep-copies the whole table once per item of a
  transaction to be able to roll back, so a transaction cost grew with the table: measured
  54 ms at 250 items and 550 ms at 1,000 for a 5-item transaction, which made any load test a
  test of moto. All-or-nothing semantics and cancellation reasons are unchanged; serialisation
  (above) is what makes check-then-apply atomic.
* SQS reads the clock with `time.time()` and checks a message's retention period against the
  queue's own setting. moto 5 built every attribute of the queue, which walks every message in
  it reading the clock through datetime arithmetic, three times for each message it delivered:
  with a few hundred messages waiting, receiving and sending took most of moto's one core (the
  GIL) away from the DynamoDB calls being measured beside them.
* DynamoDB data-plane answers (items, streams records) are written with `json.dumps`. moto 5
  walks botocore's shape model for every attribute of every item it returns, which made a
  read cost as much as a transaction (idle moto: BatchGetItem of three items 21 ms, GetItem
  11 ms, a four-item TransactWriteItems 23 ms). DynamoDB JSON needs no shape: the result moto
  built is already it. Anything `json.dumps` cannot write (other than a timestamp, written the
  way the shape serializer writes it) goes the original way, as do errors and every other
  operation. With MOTO_CHECK_FAST_JSON=1 (as `make test` runs it) each such answer is also
  written the original way and compared, and a difference is a 500 naming the operation.
* It accepts up to 1,024 pending connections instead of werkzeug's 128. A burst of 200
  concurrent requests (200 fresh connections) overflowed the smaller backlog, and every dropped
  connection waited out TCP's one-second SYN retransmission before it was served.
* Two lookups moto repeats on every request are made once: the list of its service modules
  (a directory listing and a `stat` per entry, to route the request) and the method names of
  the handler class. Together they were about a fifth of an idle GetItem's time in moto.
It exits when its standard input closes, i.e. when the process that started it goes away,
unless it was started with a third argument, `--keep`: then it runs until it is stopped (the
local runner keeps one like that, so a shop typed in survives restarts of the runner).
"""
import logging
import os
import sys
import threading

import calendar
import copy
import datetime
import functools
import json
import time

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
import moto.backends as moto_backends
import moto.core.responses as core_responses
import moto.sqs.models as sqs_models
from moto.core.responses import ActionResult, BaseResponse, get_service_model
from moto.dynamodb.responses import DynamoHandler, DynamoResult
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server


def transact_write_items(self, transact_items):
    """All-or-nothing like moto's own, without copying whole tables (see the module doc)."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen, errors, plan = set(), [], []
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        original_item = None
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            if op_type == "Put":
                table = self.get_table(table_name)
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            unique = (str(table_name), str(dict(sorted(key.items()))))
            if unique in seen:
                raise MultipleTransactionsException()
            seen.add(unique)
            current = self.get_item(table_name, key)
            condition = op.get("ConditionExpression")
            if condition is not None:
                check = get_filter_expression(
                    condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
                )
                if not check.expr(current):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
            plan.append((op_type, op, table_name, key, current))
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            raise
        except ConditionalCheckFailed as e:
            errors.append(("ConditionalCheckFailed", str(e.message), original_item))
        except Exception as e:  # noqa: E722, as moto: any other failure cancels the transaction
            errors.append((type(e).__name__, str(e), original_item))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)
    done = []
    try:
        for op_type, op, table_name, key, current in plan:
            before = copy.deepcopy(current.to_json()["Attributes"]) if current is not None else None
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(table_name, op["Item"], expression_attribute_names=names, expression_attribute_values=values)
            elif op_type == "Delete":
                self.delete_item(table_name, key, expression_attribute_names=names, expression_attribute_values=values)
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            else:
                continue
            done.append((table_name, key, before))
    except Exception as e:
        for table_name, key, before in reversed(done):
            if before is None:
                self.delete_item(table_name, key)
            else:
                self.put_item(table_name, before)
        if isinstance(e, MockValidationException):
            raise
        failed = len(done)
        raise TransactionCanceledException(
            [(type(e).__name__, str(e), None) if i == failed else (None, None, None) for i in range(len(plan))]
        )


DynamoDBBackend.transact_write_items = transact_write_items

# Queries read what they return, not the whole table. moto 5 answers every Query by listing all
# of the table's items sorted by key (`Table.all_items`), then keeping the matching ones and
# sorting those again: at 30,000 items a one-partition Query took 460 ms, most of it sorting.
# Within a Query, `all_items` now gives the queried partition alone (a base-table Query names
# its partition key) or every item unsorted (an index Query; the query sorts what matches). Scans
# and everything else still get the sorted list their paging relies on. DynamoDB calls are
# serialised (below), so the per-query setting cannot leak into another request.
_query_scope = threading.local()
_all_items_sorted = Table.all_items
_table_query = Table.query


def all_items(self):
    scope = getattr(_query_scope, "table", None)
    if scope is not self:
        return _all_items_sorted(self)
    partition = _query_scope.partition
    if partition is not None:
        held = self.items.get(partition)
        if held is None:
            return []
        return list(held.values()) if self.range_key_attr else [held]
    items = []
    for held in self.items.values():
        if self.range_key_attr:
            items.extend(held.values())
        else:
            items.append(held)
    return items


def query(self, hash_key, *args, **kwargs):
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    _query_scope.table = self
    _query_scope.partition = hash_key if index_name is None and hash_key is not None else None
    try:
        return _table_query(self, hash_key, *args, **kwargs)
    finally:
        _query_scope.table = None


Table.all_items = all_items
Table.query = query


def unix_time(dt=None):
    """moto's `unix_time`, with the current time read directly rather than via datetimes."""
    return time.time() if dt is None else original_unix_time(dt)


def unix_time_millis(dt=None):
    return unix_time(dt) * 1000.0


def is_message_valid_based_on_retention_period(self, queue_name, message):
    retention_seconds = int(self.get_queue(queue_name).message_retention_period)
    return retention_seconds + message.sent_timestamp / 1000 > unix_time()


def timestamp(value):
    """A datetime as the JSON protocols' shape serializer writes it: epoch seconds, milliseconds kept."""
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"{type(value).__name__} is not JSON")
    seconds = calendar.timegm(value.timetuple())
    return seconds + (value.microsecond // 1000) / 1000.0 if value.microsecond else seconds


FAST_JSON = {
    DynamoHandler: {
        "GetItem", "BatchGetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem",
        "TransactWriteItems", "TransactGetItems", "BatchWriteItem",
    },
    DynamoDBStreamsHandler: {"GetRecords"},
}
CHECK_FAST_JSON = os.environ.get("MOTO_CHECK_FAST_JSON") == "1"
original_serialized = BaseResponse.serialized
output_members = {}


def members(response, action):
    """The top-level fields the operation's output shape has: moto adds some of its own."""
    key = (type(response), action)
    if key not in output_members:
        shape = get_service_model(response.boto3_service_name).operation_model(action).output_shape
        output_members[key] = frozenset(shape.members) if shape is not None else frozenset()
    return output_members[key]


def serialized(self, action_result):
    action = self._get_action()
    result = action_result.result
    if not (type(action_result) in (ActionResult, DynamoResult) and isinstance(result, dict)
            and action in FAST_JSON.get(type(self), ())):
        return original_serialized(self, action_result)
    try:
        fields = members(self, action)
        result = {k: v for k, v in result.items() if k in fields}
        body = json.dumps(result, separators=(",", ":"), default=timestamp)
    except (TypeError, ValueError):
        return original_serialized(self, action_result)
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    headers.update(self.response_headers)
    if CHECK_FAST_JSON:
        status, _, original = original_serialized(self, action_result)
        if status != 200 or json.loads(original) != json.loads(body):
            message = f"fast JSON differs from moto's serializer for {action}: {body[:300]} != {original[:300]}"
            print(message, file=sys.stderr, flush=True)
            return 500, headers, json.dumps({"__type": "InternalFailure", "message": message})
    return 200, headers, body


BaseResponse.serialized = serialized

MOTO_MODULES = tuple(moto_backends.list_of_moto_modules())
moto_backends.list_of_moto_modules = lambda: MOTO_MODULES
core_responses.method_names_from_class = functools.lru_cache(maxsize=None)(core_responses.method_names_from_class)

original_unix_time = sqs_models.unix_time
sqs_models.unix_time = unix_time
sqs_models.unix_time_millis = unix_time_millis
sqs_models.SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period

logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
dynamodb_lock = threading.Lock()
app = DomainDispatcherApplication(create_backend_app)


def serialised(environ, start_response):
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.startswith("DynamoDB_") and not target.startswith("DynamoDBStreams_"):
        with dynamodb_lock:
            return list(app(environ, start_response))
    return app(environ, start_response)


def exit_when_parent_goes():
    sys.stdin.read()
    os._exit(0)


def main():
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    BaseWSGIServer.request_queue_size = 1024  # the kernel caps it at net.core.somaxconn
    server = make_server(host, port, serialised, threaded=True)
    print(server.server_port, flush=True)
    if "--keep" not in sys.argv[3:]:
        threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
