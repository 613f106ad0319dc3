"""Video storage behind one interface: a local folder, and an S3 bucket through boto3, tested
against moto's standalone S3 server (``moto_server``, a separate process on loopback, started
here): uploads go to the bucket, the worker analyses a downloaded copy, the annotated video is put
in the bucket and served from it, and no video is left on the API's disk.
"""

from __future__ import annotations

import pytest

from vbt.errors import ServiceError
from vbt.service.settings import Settings
from vbt.service.videos.storage import LocalVideoStorage, S3VideoStorage, video_storage_for

from ..capture.video_fixtures import write_clip
from .conftest import BUCKET
from .test_videos import ANNOTATED_BYTES, FakeAnalyzer, new_set, upload, wait_for
from .test_workers import app_client


def test_the_local_folder_stores_reads_and_deletes(tmp_path):
    storage = LocalVideoStorage(tmp_path / "videos")
    source = tmp_path / "in.mp4"
    source.write_bytes(b"video")
    storage.put("1.mp4", source)
    assert not source.exists() and storage.exists("1.mp4")
    with storage.local_copy("1.mp4", tmp_path / "work") as path:
        assert path == tmp_path / "videos" / "1.mp4" and path.read_bytes() == b"video"
    storage.delete("1.mp4")
    assert not storage.exists("1.mp4")
    with pytest.raises(FileNotFoundError), storage.local_copy("1.mp4", tmp_path / "work"):
        pass


def test_an_unwritable_folder_is_a_service_error_that_says_where(tmp_path):
    (tmp_path / "file").write_text("")
    source = tmp_path / "in.mp4"
    source.write_bytes(b"video")
    with pytest.raises(ServiceError, match="cannot be written"):
        LocalVideoStorage(tmp_path / "file" / "videos").put("1.mp4", source)
    assert source.exists()  # nothing lost


def test_the_s3_store_is_chosen_by_its_url(tmp_path, s3_endpoint, s3_client):
    settings = Settings(
        database_url="x.sqlite3", video_store=f"s3://{BUCKET}/gym", s3_endpoint_url=s3_endpoint
    )
    storage = video_storage_for(settings)
    assert isinstance(storage, S3VideoStorage)
    assert storage.describe() == f"s3://{BUCKET}/gym/"
    source = tmp_path / "in.mp4"
    source.write_bytes(b"video")
    storage.put("1.mp4", source)
    assert storage.exists("1.mp4") and not storage.exists("2.mp4")
    with storage.local_copy("1.mp4", tmp_path / "work") as path:
        assert path.read_bytes() == b"video"
    assert list((tmp_path / "work").iterdir()) == []  # the copy is removed after use
    storage.delete("1.mp4")
    assert not storage.exists("1.mp4")
    assert isinstance(
        video_storage_for(Settings(database_url=str(tmp_path / "x.sqlite3"))), LocalVideoStorage
    )


def test_uploads_in_s3_are_analysed_and_served_from_the_bucket(settings, tmp_path, s3_endpoint, s3_client):
    clip = write_clip(tmp_path / "set.mp4", 12, 30.0)
    analyzer = FakeAnalyzer()
    data = tmp_path / "data"
    store = {"video_store": f"s3://{BUCKET}/vbt", "s3_endpoint_url": s3_endpoint}
    with app_client(settings, data, analyzer, **store) as client:
        lift_set = new_set(client)
        video_id = upload(client, clip, set_id=lift_set["id"]).json()["id"]
        video = wait_for(client, video_id, "done", "failed")
        assert (video["status"], video["rep_count"]) == ("done", 3)
        keys = sorted(o["Key"] for o in s3_client.list_objects_v2(Bucket=BUCKET, Prefix="vbt/")["Contents"])
        assert keys == [f"vbt/{video_id}.annotated.mp4", f"vbt/{video_id}.mp4"]
        stored = s3_client.get_object(Bucket=BUCKET, Key=f"vbt/{video_id}.mp4")["Body"].read()
        assert stored == clip.read_bytes() and analyzer.calls[0]["size"] == len(stored)
        whole = client.get(f"/api/videos/{video_id}/annotated")
        assert whole.content == ANNOTATED_BYTES
        part = client.get(f"/api/videos/{video_id}/annotated", headers={"Range": "bytes=256-511"})
        assert (part.status_code, part.content) == (206, ANNOTATED_BYTES[256:512])
    assert [p for p in data.rglob("*") if p.is_file() and "sqlite3" not in p.name] == []
