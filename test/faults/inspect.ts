/**
 * After a run: reopens the emulators from a run's dataDir (state is durable) and prints the
 * records of the given job ids and what each queue still holds.
 *   npx tsx test/faults/inspect.ts <run dir> [job id …]
 */
import { startEmulators, awsClientsFor } from '../../local/emulators.ts';
import { toDocumentClient } from '../../shared/aws-clients.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ListQueuesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
const dir = process.argv[2]!;
const em = await startEmulators({ dataDir: dir + '/emulators' });
const c = awsClientsFor(em.endpoint);
const db = toDocumentClient(c.dynamodb);
for (const id of process.argv.slice(3)) {
  const { Item } = await db.send(new GetCommand({ TableName: 'faults-jobs', Key: { id } }));
  console.log(JSON.stringify(Item));
}
const { QueueUrls = [] } = await c.sqs.send(new ListQueuesCommand({}));
for (const u of QueueUrls) {
  const url = u.replace(/sqs\.us-east-1\.localhost/, '127.0.0.1');
  let n = 0; const ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    const { Messages = [] } = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 30, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
    if (!Messages.length) break;
    for (const m of Messages) { n++; ids.push(JSON.parse(m.Body!).id + ' ' + (m.MessageAttributes?.['sqsjobs.reason']?.StringValue ?? '-').slice(0,60) + ' rc=' + m.Attributes?.ApproximateReceiveCount); }
  }
  console.log(url, n);
  for (const id of ids) if (process.argv.slice(3).some((x) => id.startsWith(x))) console.log('   ', id);
}
c.destroy(); await em.stop();
