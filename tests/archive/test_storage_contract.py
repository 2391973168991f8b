"""One contract for every object-store backend: local directory and S3 (SeaweedFS here)."""

import datetime as dt
import hashlib
import io
import os
import uuid

import pytest

from archive.storage import NameTaken, ObjectCorrupted, ObjectNotFound, StoreUnavailable
from archive.storage.base import TempFile
from archive.storage.local import LocalObjectStore
from archive.storage.s3 import S3ObjectStore
from tests.conftest import required_env


class ObjectStoreContract:
    """Subclasses provide a ``store`` fixture; every backend must pass all of these."""

    def test_put_returns_the_sha256_and_size(self, store):
        data = "养老保险待遇审批表".encode() * 100
        info = store.put(data)
        assert info.sha256 == hashlib.sha256(data).hexdigest()
        assert info.size == len(data)

    def test_get_returns_the_same_bytes(self, store):
        data = b"\x00\xffscan" * 5000
        info = store.put(data)
        assert store.get(info.sha256) == data

    def test_put_accepts_a_stream_larger_than_memory_spool(self, store):
        data = bytes(range(256)) * (20 * 1024 * 1024 // 256 + 3)  # ~20 MiB
        info = store.put(io.BytesIO(data))
        assert info.sha256 == hashlib.sha256(data).hexdigest()
        with store.open(info.sha256) as stream:
            assert hashlib.sha256(stream.read()).hexdigest() == info.sha256

    def test_putting_the_same_bytes_twice_gives_the_same_key(self, store):
        first = store.put(b"same content")
        second = store.put(io.BytesIO(b"same content"))
        assert first == second
        assert list(store.list()).count(first.sha256) == 1

    def test_stat_and_exists(self, store):
        info = store.put(b"stat me")
        assert store.stat(info.sha256).size == 7
        assert store.exists(info.sha256)

    def test_unknown_key_is_not_found(self, store):
        missing = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
        assert not store.exists(missing)
        with pytest.raises(ObjectNotFound):
            store.get(missing)
        with pytest.raises(ObjectNotFound):
            store.stat(missing)

    def test_delete_removes_and_is_idempotent(self, store):
        info = store.put(b"to be destroyed")
        store.delete(info.sha256)
        assert not store.exists(info.sha256)
        store.delete(info.sha256)

    def test_list_yields_every_stored_key(self, store):
        keys = {store.put(f"object {i}".encode()).sha256 for i in range(5)}
        assert keys <= set(store.list())

    def test_inventory_gives_each_object_with_its_size_and_time_written(self, store):
        start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # the S3 server's clock may differ
        info = store.put(b"inventory me")
        listed = {i.sha256: i for i in store.inventory()}
        assert listed[info.sha256].size == len(b"inventory me")
        assert start < listed[info.sha256].modified < start + dt.timedelta(minutes=10)

    def test_listing_a_deleted_object_no_more(self, store):
        info = store.put(b"listed, then deleted")
        store.delete(info.sha256)
        assert info.sha256 not in set(store.list())

    def test_temp_files_of_a_killed_write_are_found_by_age_and_removed(self, store, leave_temp):
        name = leave_temp(store)
        now = dt.datetime.now(dt.UTC)
        assert store.temp_files(before=now - dt.timedelta(hours=1)) == []
        found = store.temp_files(before=now + dt.timedelta(hours=1))
        assert [t.name for t in found] == [name]
        store.temp_remove(found[0])
        assert store.temp_files(before=now + dt.timedelta(hours=1)) == []
        store.temp_remove(found[0])  # already gone: not an error

    def test_removing_something_not_a_temp_file_is_refused(self, store):
        info = store.put(b"an object, not a temp file")
        with pytest.raises(ValueError):
            store.temp_remove(TempFile(info.sha256, info.size, dt.datetime.now(dt.UTC)))
        assert store.exists(info.sha256)

    def test_rehash_reads_back_what_is_stored(self, store):
        info = store.put(b"fixity")
        assert store.rehash(info.sha256) == info.sha256

    def test_get_verified_refuses_bytes_that_no_longer_match_their_key(self, store, damage):
        data = b"page image " * 300
        info = store.put(data)
        assert store.get_verified(info.sha256) == data
        damage(store, info.sha256)
        with pytest.raises(ObjectCorrupted) as refused:
            store.get_verified(info.sha256)
        assert refused.value.sha256 == info.sha256 and refused.value.actual != info.sha256

    def test_putting_the_intact_bytes_again_repairs_a_damaged_object(self, store, damage):
        data = b"original scan " * 300
        info = store.put(data)
        damage(store, info.sha256)
        assert store.rehash(info.sha256) != info.sha256
        assert store.put(data) == info
        assert store.get_verified(info.sha256) == data

    def test_a_malformed_key_is_refused(self, store):
        with pytest.raises(ValueError):
            store.exists("../../etc/passwd")

    def test_a_named_object_is_kept_apart_from_the_content_addressed_ones(self, store):
        store.put_named("audit-checkpoints/0001.json", b'{"sequence":1}')
        assert store.get_named("audit-checkpoints/0001.json") == b'{"sequence":1}'
        assert list(store.list()) == []
        with pytest.raises(ObjectNotFound):
            store.get_named("audit-checkpoints/0002.json")

    def test_named_objects_are_listed_under_their_prefix_in_order(self, store):
        for name in ("b/0002.json", "b/0001.json", "c/0001.json"):
            store.put_named(name, name.encode())
        assert list(store.list_named("b/")) == ["b/0001.json", "b/0002.json"]
        assert list(store.list_named("none/")) == []

    def test_a_named_object_is_written_once(self, store):
        store.put_named("once/x.json", b"first")
        store.put_named("once/x.json", b"first")  # the same bytes again: nothing to do
        with pytest.raises(NameTaken):
            store.put_named("once/x.json", b"other")
        assert store.get_named("once/x.json") == b"first"

    @pytest.mark.parametrize("name", ["../x", "/abs", "a//b", "A/b", ".hidden", "a/../b", ""])
    def test_a_malformed_name_is_refused(self, store, name):
        with pytest.raises(ValueError):
            store.put_named(name, b"x")
        with pytest.raises(ValueError):
            list(store.list_named(name.rstrip("/") + "/" if name else ""))


class TestLocalObjectStore(ObjectStoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        return LocalObjectStore(root=str(tmp_path / "objects"))

    @pytest.fixture
    def damage(self):
        def flip(store, sha256):
            path = store._path(sha256)
            data = bytearray(path.read_bytes())
            data[len(data) // 2] ^= 0xFF
            os.chmod(path, 0o600)
            path.write_bytes(bytes(data))
            os.chmod(path, 0o400)
        return flip

    @pytest.fixture
    def leave_temp(self):
        def partial(store):
            folder = store.root / "ab" / "cd"
            folder.mkdir(parents=True)
            (folder / ".incoming-k1").write_bytes(b"half an object")
            return "ab/cd/.incoming-k1"
        return partial

    def test_no_partial_file_is_left_beside_objects(self, store, tmp_path):
        store.put(b"x" * 1000)
        leftovers = [p for p in (tmp_path / "objects").rglob(".incoming-*")]
        assert leftovers == []


class TestS3ObjectStore(ObjectStoreContract):
    @pytest.fixture
    def store(self):
        run = uuid.uuid4().hex
        return S3ObjectStore(endpoint=required_env("TEST_S3_ENDPOINT"),
                             access_key=required_env("TEST_S3_ACCESS_KEY"),
                             secret_key=required_env("TEST_S3_SECRET_KEY"),
                             bucket="contract-tests", prefix=f"run-{run}/",
                             named_prefix=f"run-{run}-named/")

    @pytest.fixture
    def damage(self):
        def flip(store, sha256):
            data = bytearray(store.get(sha256))
            data[len(data) // 2] ^= 0xFF
            store.client.put_object(store.bucket, store._key(sha256), io.BytesIO(bytes(data)),
                                    len(data))
        return flip

    @pytest.fixture
    def leave_temp(self):
        def unfinished_upload(store):
            key = store._key("ab" * 32)
            store._ensure_bucket()
            upload_id = store.client._create_multipart_upload(store.bucket, key, {})
            store.client._upload_part(store.bucket, key, b"x" * (5 * 1024 * 1024), None,
                                      upload_id, 1)
            return f"{key}?uploadId={upload_id}"
        return unfinished_upload

    def test_an_unreachable_server_is_reported_as_unavailable(self):
        store = S3ObjectStore(endpoint="127.0.0.1:1", access_key="a", secret_key="b",
                              bucket="nowhere", timeout=2)
        with pytest.raises(StoreUnavailable):
            store.put(b"data")

    def test_wrong_credentials_are_reported_as_unavailable(self):
        store = S3ObjectStore(endpoint=required_env("TEST_S3_ENDPOINT"), access_key="nobody",
                              secret_key="wrong-secret", bucket="contract-denied")
        with pytest.raises(StoreUnavailable):
            store.put(b"data")
