-- Drives gradc lsp from headless Neovim (0.7's vim.lsp.start_client): opens the formula in
-- $GRADC_FILE, waits for diagnostics, asks for a hover and a definition at the positions in
-- $GRADC_HOVER and $GRADC_DEFINITION ("line,character", 0-based), writes what it got to $GRADC_OUT
-- as JSON, and quits. The server's command line is the JSON array in $GRADC_CMD.
local out = vim.env.GRADC_OUT
local function finish(result)
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end
local function position(text)
  local line, character = text:match('^(%d+),(%d+)$')
  return { line = tonumber(line), character = tonumber(character) }
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.GRADC_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  local published = nil
  local client_id = vim.lsp.start_client({
    name = 'gradc',
    cmd = vim.fn.json_decode(vim.env.GRADC_CMD),
    root_dir = vim.fn.getcwd(),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, result)
        published = result
      end,
    },
  })
  vim.lsp.buf_attach_client(bufnr, client_id)
  if not vim.wait(60000, function() return published ~= nil end, 20) then
    error('no diagnostics within 60 s')
  end
  local client = vim.lsp.get_client_by_id(client_id)
  local uri = vim.uri_from_bufnr(bufnr)
  local function ask(method, at)
    local response, problem = client.request_sync(method, { textDocument = { uri = uri }, position = position(at) }, 20000, bufnr)
    if response == nil then error(method .. ': ' .. tostring(problem)) end
    if response.err ~= nil then error(method .. ': ' .. vim.inspect(response.err)) end
    return response.result
  end
  local hover = ask('textDocument/hover', vim.env.GRADC_HOVER)
  local definition = ask('textDocument/definition', vim.env.GRADC_DEFINITION)
  client.stop()
  finish({ uri = uri, diagnostics = published.diagnostics, hover = hover, definition = definition })
end)
if not ok then finish({ error = tostring(err) }) end
