-- Loaded by test/editors/neovim.test.ts as `nvim --headless --clean -u <this file> <policy.yaml>`.
-- Starts kube-cel-guard through Neovim's built-in LSP client, waits for its diagnostics and writes
-- them (vim.diagnostic.get) as JSON to $KCG_NVIM_OUT, then quits.
--
-- $KCG_NVIM_SNIPPET is the Lua block of README.md "Other editors", extracted by the test. On a
-- Neovim that has every API it uses (vim.lsp.start: 0.8+, vim.fs.root: 0.10+) it is run verbatim;
-- on an older one (Debian bookworm ships 0.7.2) the same configuration is started through the
-- 0.7 API (vim.lsp.start_client + vim.lsp.buf_attach_client).
local out = assert(os.getenv('KCG_NVIM_OUT'), 'KCG_NVIM_OUT not set')
local snippet = assert(os.getenv('KCG_NVIM_SNIPPET'), 'KCG_NVIM_SNIPPET not set')
local timeout_ms = tonumber(os.getenv('KCG_NVIM_TIMEOUT_MS') or '20000')
local wanted = vim.split(os.getenv('KCG_NVIM_WANT_CODES') or '', ',', { trimempty = true })

local mode
if vim.lsp.start and vim.fs and vim.fs.root then
  mode = 'readme-snippet'
  dofile(snippet)
else
  mode = 'compat-start_client'
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'yaml',
    callback = function(args)
      local file = vim.api.nvim_buf_get_name(args.buf)
      local git = vim.fn.finddir('.git', vim.fn.fnamemodify(file, ':p:h') .. ';')
      local root_dir = git ~= '' and vim.fn.fnamemodify(git, ':p:h:h') or nil
      local id = vim.lsp.start_client({ name = 'kube-cel-guard', cmd = { 'kube-cel-guard', 'lsp', '--stdio' },
        root_dir = root_dir,
        settings = { kubeCelGuard = { kubernetesVersion = '1.35' } } })
      if id then vim.lsp.buf_attach_client(args.buf, id) end
    end,
  })
end

-- get_clients is 0.10+; get_active_clients (0.7) is deprecated there.
local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients

local function write(result)
  local f = assert(io.open(out, 'w'))
  f:write(vim.json.encode(result))
  f:close()
end

local function codes(diags)
  local seen = {}
  for _, d in ipairs(diags) do seen[tostring(d.code)] = true end
  return seen
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local buf = vim.api.nvim_get_current_buf()
    local done = vim.wait(timeout_ms, function()
      local seen = codes(vim.diagnostic.get(buf))
      for _, c in ipairs(wanted) do
        if not seen[c] then return false end
      end
      return #wanted > 0
    end, 50)
    local diags = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(diags, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
        severity = d.severity, message = d.message, code = d.code, source = d.source })
    end
    local clients = {}
    for _, c in pairs(get_clients()) do
      table.insert(clients, { name = c.name, root_dir = c.config.root_dir,
        server = c.server_capabilities and c.server_capabilities.textDocumentSync ~= nil })
    end
    write({ mode = mode, version = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor),
      filetype = vim.bo[buf].filetype, timed_out = not done, diagnostics = diags, clients = clients })
    vim.lsp.stop_client(get_clients())
    vim.wait(2000, function() return #get_clients() == 0 end, 50)
    vim.cmd('qa!')
  end,
})
