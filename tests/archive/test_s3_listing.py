"""Reading S3's list of unfinished uploads, whatever time zone the server writes in."""

import datetime as dt

from archive.storage.s3 import multipart_uploads

ANSWER = """<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>archive-objects</Bucket><EncodingType>url</EncodingType>
  <NextKeyMarker>objects%2Fbb%2Fb2</NextKeyMarker><IsTruncated>{truncated}</IsTruncated>
  <Upload><Key>objects%2Faa%2Fa1</Key><UploadId>u-1</UploadId>
    <Initiated>2026-12-02T16:13:02+08:00</Initiated></Upload>
  <Upload><Key>objects/bb/b2</Key><UploadId>u-2</UploadId>
    <Initiated>2026-12-02T08:13:02.500Z</Initiated></Upload>
</ListMultipartUploadsResult>"""


def test_upload_times_are_read_with_their_offset_as_seaweedfs_writes_them():
    uploads, marker = multipart_uploads(ANSWER.format(truncated="false").encode())
    assert uploads == [
        ("objects/aa/a1", "u-1", dt.datetime(2026, 12, 2, 8, 13, 2, tzinfo=dt.UTC)),
        ("objects/bb/b2", "u-2", dt.datetime(2026, 12, 2, 8, 13, 2, 500000, tzinfo=dt.UTC)),
    ]
    assert marker is None


def test_a_truncated_listing_names_the_next_key():
    _, marker = multipart_uploads(ANSWER.format(truncated="true").encode())
    assert marker == "objects/bb/b2"
