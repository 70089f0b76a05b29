import type { Catalogue, Effect } from './types';

// Cloud SDKs and remote shells: boto3 / botocore, Google Cloud, Azure, paramiko. An API call is
// an HTTPS (or SSH) round trip; making a client, a session or a paginator is not.

const names = (effect: Effect, list: string): Record<string, Effect> =>
  Object.fromEntries(list.trim().split(/\s+/).map((name) => [name, effect]));

export const cloud: Catalogue = {
  calls: {
    ...names('neutral', `boto3.client boto3.resource boto3.Session boto3.session.Session boto3.set_stream_logger
      boto3.setup_default_session botocore.session.get_session botocore.session.Session botocore.config.Config`),
    'boto3.': 'io',
    'botocore.exceptions.': 'neutral',
    'botocore.': 'io',
    'google.cloud.storage.Client': 'neutral',
    'google.cloud.': 'io',
    'azure.storage.blob.BlobServiceClient': 'neutral',
    'azure.storage.blob.BlobServiceClient.from_connection_string': 'neutral',
    'azure.core.exceptions.': 'neutral',
    'azure.': 'io',
    'paramiko.SSHClient': 'neutral',
    'paramiko.Transport': 'io',
    'paramiko.SFTPClient.from_transport': 'io',
    ...names('neutral', 'paramiko.AutoAddPolicy paramiko.WarningPolicy paramiko.RejectPolicy paramiko.MissingHostKeyPolicy'),
    ...names('fs', 'paramiko.RSAKey.from_private_key_file paramiko.Ed25519Key.from_private_key_file paramiko.ECDSAKey.from_private_key_file'),
    'paramiko.': 'neutral',
  },
  returns: {
    'boto3.client': 'botocore.client.BaseClient',
    'boto3.Session.client': 'botocore.client.BaseClient',
    'boto3.session.Session.client': 'botocore.client.BaseClient',
    'botocore.session.get_session': 'botocore.session.Session',
    'botocore.session.Session.create_client': 'botocore.client.BaseClient',
    'boto3.session.Session': 'boto3.Session',
    'boto3.resource': 'boto3.resources.base.ServiceResource',
    'boto3.Session.resource': 'boto3.resources.base.ServiceResource',
    'boto3.session.Session.resource': 'boto3.resources.base.ServiceResource',
    'botocore.client.BaseClient.get_paginator': 'botocore.paginate.Paginator',
    'botocore.client.BaseClient.get_waiter': 'botocore.waiter.Waiter',
    'google.cloud.storage.Client.bucket': 'google.cloud.storage.Bucket',
    'google.cloud.storage.Bucket.blob': 'google.cloud.storage.Blob',
    'azure.storage.blob.BlobServiceClient.from_connection_string': 'azure.storage.blob.BlobServiceClient',
    'azure.storage.blob.BlobServiceClient.get_container_client': 'azure.storage.blob.ContainerClient',
    'azure.storage.blob.BlobServiceClient.get_blob_client': 'azure.storage.blob.BlobClient',
    'azure.storage.blob.ContainerClient.get_blob_client': 'azure.storage.blob.BlobClient',
    'paramiko.SSHClient.get_transport': 'paramiko.Transport',
    'paramiko.SSHClient.open_sftp': 'paramiko.SFTPClient',
    'paramiko.SFTPClient.from_transport': 'paramiko.SFTPClient',
    'paramiko.SSHClient.invoke_shell': 'paramiko.Channel',
    'paramiko.Transport.open_session': 'paramiko.Channel',
    'paramiko.Transport.open_channel': 'paramiko.Channel',
    'paramiko.Transport.accept': 'paramiko.Channel',
  },
  methods: {
    // Each generated method of a client (`s3.get_object`, `sqs.send_message`) is one request.
    'botocore.client.BaseClient': {
      ...names('neutral', 'get_paginator get_waiter can_paginate generate_presigned_url generate_presigned_post close'),
      '*': 'io',
    },
    'botocore.paginate.Paginator': { '*': 'io' },
    'botocore.waiter.Waiter': { wait: 'io', '*': 'neutral' },
    'botocore.session.Session': { '*': 'neutral' },
    'boto3.Session': { '*': 'neutral' },
    // Resources (`s3.Bucket(...)`, `s3.Object(...)`) are lazy handles; their actions are requests.
    'boto3.resources.base.ServiceResource': { '*': 'neutral' },
    'google.cloud.storage.Client': { ...names('neutral', 'bucket close'), '*': 'io' },
    'google.cloud.storage.Bucket': { blob: 'neutral', '*': 'io' },
    'google.cloud.storage.Blob': { '*': 'io' },
    'azure.storage.blob.BlobServiceClient': { ...names('neutral', 'get_container_client get_blob_client close'), '*': 'io' },
    'azure.storage.blob.ContainerClient': { ...names('neutral', 'get_blob_client close'), '*': 'io' },
    'azure.storage.blob.BlobClient': { close: 'neutral', '*': 'io' },
    'paramiko.SSHClient': {
      ...names('io', 'connect exec_command open_sftp invoke_shell'),
      ...names('fs', 'load_system_host_keys load_host_keys save_host_keys'),
      ...names('neutral', 'set_missing_host_key_policy get_transport close get_host_keys set_log_channel __enter__ __exit__'),
    },
    'paramiko.Transport': {
      ...names('io', 'connect open_session open_channel open_sftp_client request_port_forward accept start_client auth_password auth_publickey'),
      '*': 'neutral',
    },
    'paramiko.SFTPClient': { close: 'neutral', '*': 'io' },
    'paramiko.Channel': {
      ...names('io', 'recv recv_stderr send sendall exec_command recv_exit_status invoke_shell get_pty'),
      '*': 'neutral',
    },
  },
};
