// The client panel's form: write / read / CAS through a chosen client, and the workload switch.

export function installClientControls(app, $) {
  const form = $('client-form');
  const field = $;
  const values = () => ({
    client: Number(field('client-select').value) || 1,
    key: field('client-key').value,
    value: field('client-value').value,
    expected: field('client-expected').value,
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); app.clientCommand('write', values()); });
  field('client-read').addEventListener('click', () => app.clientCommand('read', values()));
  field('client-cas').addEventListener('click', () => app.clientCommand('cas', values()));
  field('workload').addEventListener('change', (e) => app.setWorkload(e.target.checked));
  return { values };
}
