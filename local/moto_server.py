"""Starts moto_server (PyPI `moto[server]`) for the local runner and the tests.

Three differences from running `moto_server` directly:
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
It exits when its standard input closes, i.e. when the process that started it goes away.
"""
import logging
import os
import sys
import threading

import copy

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
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


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
    server = make_server(host, port, serialised, threaded=True)
    print(server.server_port, flush=True)
    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
