// Contract scenarios run through Xen Orchestra's npm `xen-api` client (4.7.6) against a XAPI endpoint.
//
// usage: node contract.mjs URL json-rpc|xml-rpc SCENARIO [ARGS...]
//   login                               connect(); report pool, session host (after any HOST_IS_SLAVE redirect)
//   list                                VM.get_all_records + host.get_all_records, summarised
//   other-config pool|vm NAME add KEY VALUE   add, re-add (expects MAP_DUPLICATE_KEY), read back
//   other-config pool|vm NAME remove KEY      remove twice (idempotent), read back
//   start-vm NAME                       VM.start(ref, false, false), then VM.get_power_state
//   power status|off|on NAME            VM.get_power_state | VM.hard_shutdown | VM.start
//   events NAME                         event.from(classes, '', t): first batch; change NAME's other_config;
//                                       event.from(classes, token, t) until a `mod` of NAME shows up
// Prints exactly one JSON line on stdout: {"ok":true,...} (exit 0) or {"ok":false,"error":{...}} (exit 1).
// Credentials: env XAPI_USER / XAPI_PASSWORD (default root / secret).
import { createClient } from 'xen-api'

const [url, transport, scenario, ...args] = process.argv.slice(2)
const TIMEOUT_MS = +(process.env.CONTRACT_TIMEOUT_MS ?? 30000)

const emit = (result, code) => {
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(code)
}
const describe = e => ({
  code: e?.code ?? null,
  params: e?.params ?? null,
  message: String(e?.message ?? e),
  call: e?.call?.method ?? null,
})
setTimeout(() => emit({ ok: false, error: { code: 'CONTRACT_TIMEOUT', message: `no result after ${TIMEOUT_MS} ms` } }, 3),
  TIMEOUT_MS).unref()

const xapi = createClient({
  url,
  transport,
  auth: { user: process.env.XAPI_USER ?? 'root', password: process.env.XAPI_PASSWORD ?? 'secret' },
  allowUnauthorized: true,
  watchEvents: false, // no background event.from loop; the events scenario calls event.from itself
})

const expectError = async (promise) => {
  try {
    const value = await promise
    return { thrown: false, value }
  } catch (e) {
    return { thrown: true, ...describe(e) }
  }
}

const vmRefByName = async name => {
  const refs = await xapi.call('VM.get_by_name_label', name)
  if (!Array.isArray(refs) || refs.length !== 1) throw new Error(`VM.get_by_name_label(${name}) -> ${JSON.stringify(refs)}`)
  return refs[0]
}

const scenarios = {
  async login() {
    return {
      pool: { ref: xapi.pool.$ref, name_label: xapi.pool.name_label, master: xapi.pool.master },
      host: xapi._url.hostname, // where the session lives (the master after a HOST_IS_SLAVE redirect)
      session: xapi.sessionId,
      pool_get_all: await xapi.call('pool.get_all'),
    }
  },

  async list() {
    const vms = await xapi.call('VM.get_all_records')
    const hosts = await xapi.call('host.get_all_records')
    return {
      vms: Object.entries(vms).map(([ref, r]) => ({
        ref, uuid: r.uuid, name_label: r.name_label, power_state: r.power_state,
        is_control_domain: r.is_control_domain, is_a_template: r.is_a_template, resident_on: r.resident_on,
      })),
      hosts: Object.entries(hosts).map(([ref, r]) => ({
        ref, uuid: r.uuid, name_label: r.name_label, address: r.address, enabled: r.enabled,
      })),
    }
  },

  async 'other-config'(cls, name, op, key, value) {
    const type = cls === 'pool' ? 'pool' : 'VM'
    const ref = cls === 'pool' ? xapi.pool.$ref : await vmRefByName(name)
    const out = { ref }
    if (op === 'add') {
      out.add = await expectError(xapi.call(`${type}.add_to_other_config`, ref, key, value))
      out.readd = await expectError(xapi.call(`${type}.add_to_other_config`, ref, key, value))
    } else if (op === 'remove') {
      out.remove = await expectError(xapi.call(`${type}.remove_from_other_config`, ref, key))
      out.again = await expectError(xapi.call(`${type}.remove_from_other_config`, ref, key))
    } else {
      throw new Error(`unknown other-config op ${op}`)
    }
    out.other_config = await xapi.call(`${type}.get_other_config`, ref)
    return out
  },

  async 'start-vm'(name) {
    const ref = await vmRefByName(name)
    const before = await xapi.call('VM.get_power_state', ref)
    await xapi.call('VM.start', ref, false, false)
    return { ref, before, after: await xapi.call('VM.get_power_state', ref) }
  },

  async power(action, name) {
    const ref = await vmRefByName(name)
    if (action === 'off') await xapi.call('VM.hard_shutdown', ref)
    else if (action === 'on') await xapi.call('VM.start', ref, false, false)
    else if (action !== 'status') throw new Error(`unknown power action ${action}`)
    return { ref, power_state: await xapi.call('VM.get_power_state', ref) }
  },

  async events(name) {
    const classes = ['VM', 'pool']
    const ref = await vmRefByName(name)
    const first = await xapi.call('event.from', classes, '', 5.1) // a float, as XO sends it (XML-RPC <double>)
    const key = 'contract.event'
    await xapi.call('VM.add_to_other_config', ref, key, String(Date.now()))
    let token = first.token
    let mod
    const later = []
    for (let i = 0; i < 5 && mod === undefined; i++) {
      const batch = await xapi.call('event.from', classes, token, 2.1)
      later.push(batch.events.length)
      token = batch.token
      mod = batch.events.find(e => e.ref === ref && e.operation === 'mod')
    }
    await xapi.call('VM.remove_from_other_config', ref, key)
    return {
      ref,
      first: {
        count: first.events.length,
        token: first.token,
        classes: [...new Set(first.events.map(e => e.class))].sort(),
        operations: [...new Set(first.events.map(e => e.operation))].sort(),
        vm_refs: first.events.filter(e => String(e.class).toLowerCase() === 'vm').map(e => e.ref),
      },
      later,
      mod: mod === undefined ? null : {
        class: mod.class, operation: mod.operation, ref: mod.ref,
        snapshot_has_key: mod.snapshot?.other_config?.[key] !== undefined,
      },
    }
  },
}

if (!(scenario in scenarios)) emit({ ok: false, error: { code: 'CONTRACT_USAGE', message: `unknown scenario ${scenario}` } }, 2)
try {
  await xapi.connect()
} catch (e) {
  emit({ ok: false, stage: 'connect', error: describe(e) }, 1)
}
try {
  const result = await scenarios[scenario](...args)
  await xapi.disconnect().catch(() => {})
  emit({ ok: true, scenario, transport, ...result }, 0)
} catch (e) {
  await xapi.disconnect().catch(() => {})
  emit({ ok: false, stage: scenario, error: describe(e) }, 1)
}
