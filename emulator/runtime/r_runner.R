# Runs one Execute R Script module for the azureml-retrain emulator.
#
# Usage: Rscript --vanilla r_runner.R <scratch folder>
#
# The folder holds script.R, input1.csv/.json and input2.csv/.json (the connected datasets and
# their column types), bundle.zip (the Script Bundle, unpacked into src/ as Studio did) and
# seed.txt ("Random Seed"). The script reads its inputs with maml.mapInputPort(1) and (2) and
# hands its result to maml.mapOutputPort("name of a data frame"). result.json says whether it
# worked, or carries R's error text and the line of the statement that raised it.

args <- commandArgs(trailingOnly = TRUE)
work <- args[[1]]

json_string <- function(x) {
  x <- gsub("\\\\", "\\\\\\\\", x)
  x <- gsub("\"", "\\\\\"", x)
  x <- gsub("\n", "\\\\n", x)
  x <- gsub("\r", "\\\\r", x)
  x <- gsub("\t", "\\\\t", x)
  paste0("\"", x, "\"")
}

write_result <- function(ok, message = NULL, line = NULL) {
  fields <- c(paste0("\"ok\":", if (ok) "true" else "false"))
  if (!ok) fields <- c(fields, "\"kind\":\"error\"")
  if (!is.null(message)) fields <- c(fields, paste0("\"message\":", json_string(message)))
  if (!is.null(line) && !is.na(line)) fields <- c(fields, paste0("\"line\":", line))
  writeLines(paste0("{", paste(fields, collapse = ","), "}"), file.path(work, "result.json"))
}

read_schema <- function(path) {
  text <- paste(readLines(path, warn = FALSE), collapse = "")
  rows <- as.integer(sub(".*\"rows\":([0-9]+).*", "\\1", text))
  entries <- regmatches(text, gregexpr("\\{\"name\":\"([^\"\\\\]|\\\\.)*\",\"type\":\"[A-Za-z0-9]+\"", text))[[1]]
  names <- sub("^\\{\"name\":\"(.*)\",\"type\":\"[A-Za-z0-9]+\"$", "\\1", entries)
  names <- gsub("\\\\\"", "\"", gsub("\\\\\\\\", "\\\\", names))
  types <- sub("^.*\"type\":\"([A-Za-z0-9]+)\"$", "\\1", entries)
  list(rows = rows, names = names, types = types)
}

maml.mapInputPort <- function(port) {
  csv <- file.path(work, sprintf("input%d.csv", port))
  if (!file.exists(csv)) stop(sprintf("input port %d (Dataset%d) is not connected", port, port))
  schema <- read_schema(file.path(work, sprintf("input%d.json", port)))
  classes <- ifelse(schema$types == "String", "character",
             ifelse(schema$types == "Boolean", "logical", "numeric"))
  if (schema$rows == 0) {
    frame <- as.data.frame(setNames(lapply(classes, function(k) vector(k, 0)), schema$names),
                           stringsAsFactors = FALSE, check.names = FALSE)
    return(frame)
  }
  read.csv(csv, colClasses = classes, na.strings = "", check.names = FALSE,
           stringsAsFactors = FALSE, encoding = "UTF-8")
}

output_written <- FALSE

maml.mapOutputPort <- function(name) {
  frame <- get(name, envir = parent.frame())
  if (!is.data.frame(frame)) stop(sprintf("\"%s\" is not a data frame", name))
  out <- frame
  types <- character(0)
  categorical <- logical(0)
  quoted <- integer(0)
  for (i in seq_along(out)) {
    column <- out[[i]]
    if (is.factor(column)) {
      out[[i]] <- as.character(column)
      types <- c(types, "String")
      categorical <- c(categorical, TRUE)
      quoted <- c(quoted, i)
    } else if (is.logical(column)) {
      types <- c(types, "Boolean")
      categorical <- c(categorical, FALSE)
    } else if (is.integer(column)) {
      types <- c(types, "Int64")
      categorical <- c(categorical, FALSE)
    } else if (is.numeric(column)) {
      out[[i]] <- ifelse(is.na(column), NA, sprintf("%.17g", column))
      types <- c(types, "Double")
      categorical <- c(categorical, FALSE)
    } else {
      out[[i]] <- as.character(column)
      types <- c(types, "String")
      categorical <- c(categorical, FALSE)
      quoted <- c(quoted, i)
    }
  }
  write.table(out, file.path(work, "output.csv"), sep = ",", row.names = FALSE,
              col.names = TRUE, na = "", quote = if (length(quoted) > 0) quoted else FALSE,
              qmethod = "double", fileEncoding = "UTF-8")
  entries <- sprintf("{\"name\":%s,\"type\":\"%s\",\"categorical\":%s}",
                     vapply(names(out), json_string, ""), types,
                     ifelse(categorical, "true", "false"))
  writeLines(sprintf("{\"rows\":%d,\"columns\":[%s]}", nrow(out), paste(entries, collapse = ",")),
             file.path(work, "output.json"))
  output_written <<- TRUE
  invisible(NULL)
}

bundle <- file.path(work, "bundle.zip")
if (file.exists(bundle)) {
  unpacked <- tryCatch(utils::unzip(bundle, exdir = file.path(work, "src")), error = function(e) NULL)
  if (is.null(unpacked) || length(unpacked) == 0) {
    write_result(FALSE, "Script Bundle: the zip file could not be read")
    quit(status = 1)
  }
}
seed_file <- file.path(work, "seed.txt")
if (file.exists(seed_file)) set.seed(as.integer(readLines(seed_file, warn = FALSE)))

script_file <- file.path(work, "script.R")
expressions <- tryCatch(parse(script_file, keep.source = TRUE), error = function(e) e)
if (inherits(expressions, "error")) {
  message <- conditionMessage(expressions)
  position <- regmatches(message, regexpr(":[0-9]+:[0-9]+:", message))
  line <- if (length(position) == 1) as.integer(strsplit(position, ":")[[1]][2]) else NA
  cat(message, "\n", file = stderr())
  write_result(FALSE, paste("Error in parse:", sub("^.*?:[0-9]+:[0-9]+: ", "", message)), line)
  quit(status = 1)
}
sources <- attr(expressions, "srcref")
environment <- new.env(parent = globalenv())
for (i in seq_along(expressions)) {
  failure <- tryCatch({
    eval(expressions[[i]], envir = environment)
    NULL
  }, error = function(e) e)
  if (!is.null(failure)) {
    call <- conditionCall(failure)
    # stop() at the top level of the script reports the runner's own eval() as its call.
    if (!is.null(call) && identical(deparse(call)[1], "eval(expressions[[i]], envir = environment)")) call <- NULL
    text <- if (is.null(call)) paste("Error:", conditionMessage(failure)) else
      paste0("Error in ", paste(deparse(call), collapse = " "), ": ", conditionMessage(failure))
    cat(text, "\n", file = stderr())
    write_result(FALSE, text, sources[[i]][1])
    quit(status = 1)
  }
}
if (!output_written) {
  write_result(FALSE, "the script did not call maml.mapOutputPort(\"<data frame>\")")
  quit(status = 1)
}
write_result(TRUE)
